<?php
// A stand-in for a Moodle site, just enough to run codegen/moodle/export-definitions.php in a test: Moodle's
// constants, the external_* description classes, external_api::external_function_info(), core_component and a
// $DB over the site file named by MTS_STUB_SITE (which the test generates from a definitions JSON).
// MTS_STUB_LEGACY=1 makes it look like Moodle before 4.2 (global external_* classes in lib/externallib.php).

unset($CFG);
global $CFG, $DB;
$CFG = new stdClass();
$CFG->dirroot = __DIR__;
$CFG->libdir = __DIR__ . '/lib';

define('VALUE_REQUIRED', 1);
define('VALUE_OPTIONAL', 2);
define('VALUE_DEFAULT', 0);
define('NULL_NOT_ALLOWED', false);
define('NULL_ALLOWED', true);
define('MUST_EXIST', 2);

class coding_exception extends Exception {
}

class core_component {
    public static function get_component_directory($component) {
        // Every component of the stub site shares one db/services.php.
        return __DIR__ . '/component';
    }
}

/** The external_functions and external_services tables of the generated site. */
class mts_stub_db {
    public function get_records($table, $conditions = null, $sort = '') {
        if ($table !== 'external_functions') {
            throw new coding_exception("stub has no table {$table}");
        }
        $rows = [];
        foreach ($GLOBALS['STUB_SITE']['functions'] as $i => $row) {
            $rows[$i + 1] = (object)array_merge(['id' => $i + 1], $row);
        }
        uasort($rows, fn($a, $b) => strcmp($a->name, $b->name));
        return $rows;
    }

    public function get_records_sql($sql) {
        $rows = [];
        foreach ($GLOBALS['STUB_SITE']['service_rows'] as $i => $row) {
            $rows[$i + 1] = (object)array_merge(['id' => $i + 1], $row);
        }
        return $rows;
    }
}
$DB = new mts_stub_db();

if (getenv('MTS_STUB_LEGACY') !== '1') {
    require(__DIR__ . '/lib/external-classes.php');
    mts_stub_define_external_classes('core_external');
}

$site = getenv('MTS_STUB_SITE');
if (!$site || !is_file($site)) {
    throw new coding_exception('MTS_STUB_SITE must name the generated site file');
}
require($site);
$CFG->release = $GLOBALS['STUB_SITE']['release'];
$CFG->version = $GLOBALS['STUB_SITE']['version'];
