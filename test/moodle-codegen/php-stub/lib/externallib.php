<?php
// Moodle before 4.2 kept the external_* classes global, in lib/externallib.php.
require_once(__DIR__ . '/external-classes.php');
if (!class_exists('external_api')) {
    mts_stub_define_external_classes('');
}
