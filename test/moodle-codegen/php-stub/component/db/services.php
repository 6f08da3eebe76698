<?php
// db/services.php of every stub component: the declarations the generated site file holds.
$functions = $GLOBALS['STUB_SITE']['declared'];
