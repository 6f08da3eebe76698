<?php
// Lists a .tar.gz the way Moodle's tgz_extractor reads one for a restore: gzopen/gzread in 64 KiB reads (zlib
// decodes a gzip of several members as one stream), 512-byte tar blocks, the ustar magic required, prefix + name,
// links and devices ignored. Prints one JSON object: the files with their sizes, and the directories.
$gz = gzopen($argv[1], 'rb');
if (!$gz) { fwrite(STDERR, "cannot open\n"); exit(2); }
$buffer = '';
$left = 0;
$files = [];
$dirs = [];
while (true) {
    $chunk = gzread($gz, 65536);
    if ($chunk === false || strlen($chunk) === 0) break;
    $buffer .= $chunk;
    $at = 0;
    while (strlen($buffer) - $at >= 512) {
        $block = substr($buffer, $at, 512);
        $at += 512;
        if ($left > 0) { $left -= min($left, 512); continue; }
        if ($block === str_repeat("\0", 512)) continue;
        $magic = substr($block, 257, 6);
        if ($magic !== "ustar\0" && $magic !== "ustar ") { fwrite(STDERR, "no ustar magic\n"); exit(1); }
        $path = ltrim(rtrim(substr($block, 345, 155), "\0") . '/' . rtrim(substr($block, 0, 100), "\0"), '/');
        $size = octdec(substr($block, 124, 11));
        $type = substr($block, 156, 1);
        if ($type === '5') { $dirs[] = $path; continue; }
        if (strpos('123467', $type) !== false && $type !== '') continue;
        $files[$path] = $size;
        $left = $size;
    }
    $buffer = substr($buffer, $at);
}
gzclose($gz);
echo json_encode(['files' => $files, 'dirs' => $dirs]), "\n";
