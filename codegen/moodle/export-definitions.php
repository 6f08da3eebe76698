<?php
// moodle-totara-sdk: export-definitions.php
//
// Writes the definitions of every external function of this Moodle site (core and plugins) as JSON, for
// `mts codegen moodle --definitions FILE --out DIR`. Read-only: it changes nothing on the site.
//
// Usage, on the Moodle server, as the web server user:
//   sudo -u www-data php export-definitions.php --moodle=/var/www/moodle --out=ws-definitions.json
//   sudo -u www-data php export-definitions.php --moodle=/var/www/moodle > ws-definitions.json
// Without --moodle the script looks for config.php in the current directory, beside the script and above it.
// Works with Moodle 3.x to 4.x (core_external\ classes of 4.2+ and the older external_* classes).

define('CLI_SCRIPT', true);

/** @var array<string,string|bool> $mtsoptions */
$mtsoptions = [];
foreach (array_slice($argv, 1) as $mtsarg) {
    if ($mtsarg === '--help' || $mtsarg === '-h') {
        fwrite(STDOUT, "Usage: php export-definitions.php [--moodle=DIR] [--out=FILE] [--no-descriptions]\n");
        exit(0);
    }
    if (!preg_match('/^--([a-z-]+)(?:=(.*))?$/s', $mtsarg, $m)) {
        fwrite(STDERR, "export-definitions.php: unexpected argument {$mtsarg} (see --help)\n");
        exit(2);
    }
    $mtsoptions[$m[1]] = isset($m[2]) ? $m[2] : true;
}
foreach (array_keys($mtsoptions) as $mtsname) {
    if (!in_array($mtsname, ['moodle', 'out', 'no-descriptions'], true)) {
        fwrite(STDERR, "export-definitions.php: unknown option --{$mtsname} (see --help)\n");
        exit(2);
    }
}

$mtsconfig = mts_find_config(isset($mtsoptions['moodle']) ? (string)$mtsoptions['moodle'] : null);
if ($mtsconfig === null) {
    fwrite(STDERR, "export-definitions.php: cannot find Moodle's config.php; pass --moodle=/path/to/moodle\n");
    exit(2);
}
// Moodle's bootstrap may print notices on stdout; keep stdout for the JSON.
ob_start();
require($mtsconfig);
$mtsnoise = ob_get_clean();
if ($mtsnoise !== '' && $mtsnoise !== false) {
    fwrite(STDERR, $mtsnoise);
}

$mtsnamespaced = class_exists('\\core_external\\external_api');
if (!$mtsnamespaced) {
    require_once($CFG->libdir . '/externallib.php');
}
$mtsclasses = [
    'value' => $mtsnamespaced ? '\\core_external\\external_value' : '\\external_value',
    'single' => $mtsnamespaced ? '\\core_external\\external_single_structure' : '\\external_single_structure',
    'multiple' => $mtsnamespaced ? '\\core_external\\external_multiple_structure' : '\\external_multiple_structure',
];
$mtswithdescriptions = !isset($mtsoptions['no-descriptions']);

/**
 * Finds config.php: the --moodle directory, else the current directory, the script's directory and its parents.
 */
function mts_find_config(?string $dir): ?string {
    $candidates = [];
    if ($dir !== null) {
        $candidates[] = rtrim($dir, '/') . '/config.php';
    } else {
        $candidates[] = getcwd() . '/config.php';
        $here = __DIR__;
        for ($i = 0; $i < 5; $i++) {
            $candidates[] = $here . '/config.php';
            $here = dirname($here);
        }
    }
    foreach ($candidates as $candidate) {
        if (is_file($candidate)) {
            return $candidate;
        }
    }
    return null;
}

/** Moodle's VALUE_* numbers as words. */
function mts_required_label($required): string {
    if ($required === VALUE_REQUIRED) {
        return 'required';
    }
    if ($required === VALUE_OPTIONAL) {
        return 'optional';
    }
    if ($required === VALUE_DEFAULT) {
        return 'default';
    }
    return 'unknown';
}

/** One description node (external_value / _single_structure / _multiple_structure), recursively. */
function mts_describe($desc, array $classes, bool $withdescriptions): array {
    if ($desc instanceof $classes['value']) {
        $out = ['kind' => 'value', 'type' => $desc->type, 'allownull' => (bool)$desc->allownull];
    } else if ($desc instanceof $classes['single']) {
        $keys = [];
        foreach ($desc->keys as $key => $child) {
            $keys[$key] = mts_describe($child, $classes, $withdescriptions);
        }
        // An empty structure must still be a JSON object.
        $out = ['kind' => 'single_structure', 'keys' => (object)$keys];
    } else if ($desc instanceof $classes['multiple']) {
        $out = ['kind' => 'multiple_structure', 'content' => mts_describe($desc->content, $classes, $withdescriptions)];
    } else {
        throw new coding_exception('Unknown external description class ' . get_class($desc));
    }
    // Moodle 5 lets structures allow null too; older structures have no such property.
    if ($out['kind'] !== 'value' && property_exists($desc, 'allownull')) {
        $out['allownull'] = (bool)$desc->allownull;
    }
    $out['class'] = get_class($desc);
    $out['required'] = $desc->required;
    $out['required_label'] = mts_required_label($desc->required);
    $out['default'] = $desc->default;
    $out['description'] = $withdescriptions ? (string)$desc->desc : '';
    return $out;
}

/** The `services` list of a function in its component's db/services.php (the built-in services it joins). */
function mts_declared_services(string $component, string $name): array {
    static $cache = [];
    if (!array_key_exists($component, $cache)) {
        $cache[$component] = [];
        $dir = core_component::get_component_directory($component);
        if ($dir && is_file($dir . '/db/services.php')) {
            $functions = null;
            include($dir . '/db/services.php');
            $cache[$component] = is_array($functions) ? $functions : [];
        }
    }
    $services = $cache[$component][$name]['services'] ?? [];
    return array_values(array_map('strval', (array)$services));
}

/** Service short names (or names) of the site that include each function, from the database. */
function mts_site_services(): array {
    global $DB;
    $out = [];
    $sql = 'SELECT sf.id, sf.functionname, s.shortname, s.name
              FROM {external_services_functions} sf
              JOIN {external_services} s ON s.id = sf.externalserviceid';
    foreach ($DB->get_records_sql($sql) as $row) {
        $out[$row->functionname][] = (string)($row->shortname !== null && $row->shortname !== '' ? $row->shortname : $row->name);
    }
    foreach ($out as &$list) {
        sort($list);
    }
    return $out;
}

/** external_function_info() for one database record, across Moodle versions. */
function mts_function_info(stdClass $record, bool $namespaced) {
    if ($namespaced) {
        return \core_external\external_api::external_function_info($record);
    }
    if (method_exists('external_api', 'external_function_info')) {
        return external_api::external_function_info($record);
    }
    return external_function_info($record);
}

// Debugging output of plugins (deprecation notices...) goes to stderr, never into the JSON on stdout.
ob_start();
$mtssiteservices = mts_site_services();
$mtsfunctions = [];
$mtserrors = [];
foreach ($DB->get_records('external_functions', null, 'name ASC') as $mtsrecord) {
    $mtsclasspath = $mtsrecord->classpath ?? null;
    try {
        $mtsinfo = mts_function_info(clone($mtsrecord), $mtsnamespaced);
        $mtscaps = trim((string)($mtsrecord->capabilities ?? ''));
        $mtsfunctions[] = [
            'name' => $mtsrecord->name,
            'component' => $mtsrecord->component,
            'classname' => $mtsrecord->classname,
            'methodname' => $mtsrecord->methodname,
            'classpath' => ($mtsclasspath === '' ? null : $mtsclasspath),
            'description' => $mtswithdescriptions ? $mtsinfo->description : null,
            'type' => $mtsinfo->type,
            'capabilities' => $mtscaps === '' ? [] : array_map('trim', explode(',', $mtscaps)),
            'capabilities_raw' => (string)($mtsrecord->capabilities ?? ''),
            'services' => mts_declared_services($mtsrecord->component, $mtsrecord->name),
            'services_db' => $mtssiteservices[$mtsrecord->name] ?? [],
            'ajax' => !empty($mtsinfo->allowed_from_ajax),
            'loginrequired' => isset($mtsinfo->loginrequired) ? (bool)$mtsinfo->loginrequired : true,
            'readonlysession' => !empty($mtsinfo->readonlysession),
            'deprecated' => !empty($mtsinfo->deprecated),
            'parameters_desc' => mts_describe($mtsinfo->parameters_desc, $mtsclasses, $mtswithdescriptions),
            'returns_desc' => $mtsinfo->returns_desc === null
                ? null
                : mts_describe($mtsinfo->returns_desc, $mtsclasses, $mtswithdescriptions),
        ];
    } catch (Throwable $e) {
        // A broken plugin must not stop the export: it is listed in "errors" and left out.
        $mtserrors[] = ['name' => $mtsrecord->name, 'component' => $mtsrecord->component, 'error' => $e->getMessage()];
    }
}

$mtsnoise = ob_get_clean();
if ($mtsnoise !== '' && $mtsnoise !== false) {
    fwrite(STDERR, $mtsnoise);
}

$mtsjson = json_encode(
    [
        'moodle_release' => isset($CFG->release) ? (string)$CFG->release : null,
        'moodle_version' => isset($CFG->version) ? (string)$CFG->version : null,
        'generated_at' => gmdate('Y-m-d\TH:i:s+00:00'),
        'count' => count($mtsfunctions),
        'errors' => $mtserrors,
        'functions' => $mtsfunctions,
    ],
    JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE
);
if ($mtsjson === false) {
    fwrite(STDERR, 'export-definitions.php: json_encode failed: ' . json_last_error_msg() . "\n");
    exit(1);
}

if (isset($mtsoptions['out']) && is_string($mtsoptions['out']) && $mtsoptions['out'] !== '') {
    // Write beside the target and rename, so an interrupted run never leaves half a file.
    $mtstarget = $mtsoptions['out'];
    $mtstemp = dirname($mtstarget) . '/.' . basename($mtstarget) . '.' . getmypid() . '.tmp';
    if (file_put_contents($mtstemp, $mtsjson . "\n") === false || !rename($mtstemp, $mtstarget)) {
        @unlink($mtstemp);
        fwrite(STDERR, "export-definitions.php: cannot write {$mtstarget}\n");
        exit(1);
    }
    fwrite(STDERR, count($mtsfunctions) . " functions written to {$mtstarget}"
        . ($mtserrors ? ' (' . count($mtserrors) . ' skipped, see "errors")' : '') . "\n");
} else {
    fwrite(STDOUT, $mtsjson . "\n");
}
exit(0);
