<?php
// The external_* classes of the stub, defined in the namespace Moodle uses for them (core_external since 4.2,
// with the old global names kept as aliases; the global namespace before).

function mts_stub_define_external_classes(string $namespace): void {
    $code = <<<'PHP'
abstract class external_description {
    public $desc;
    public $required;
    public $default;
    public function __construct($desc, $required, $default) {
        $this->desc = $desc;
        $this->required = $required;
        $this->default = $default;
    }
}
class external_value extends external_description {
    public $type;
    public $allownull;
    public function __construct($type, $desc = '', $required = VALUE_REQUIRED, $default = null, $allownull = NULL_ALLOWED) {
        parent::__construct($desc, $required, $default);
        $this->type = $type;
        $this->allownull = $allownull;
    }
}
class external_format_value extends external_value {
}
class external_single_structure extends external_description {
    public $keys;
    public function __construct(array $keys, $desc = '', $required = VALUE_REQUIRED, $default = null) {
        parent::__construct($desc, $required, $default);
        $this->keys = $keys;
    }
}
class external_function_parameters extends external_single_structure {
}
class external_multiple_structure extends external_description {
    public $content;
    public function __construct(external_description $content, $desc = '', $required = VALUE_REQUIRED, $default = null) {
        parent::__construct($desc, $required, $default);
        $this->content = $content;
    }
}
class external_warnings extends external_multiple_structure {
}
class external_files extends external_multiple_structure {
}
class external_api {
    /** Like Moodle's: the record plus descriptions and the flags of db/services.php. */
    public static function external_function_info($function, $strictness = MUST_EXIST) {
        if (getenv('MTS_STUB_NOISE') === '1') {
            // A plugin printing a notice, as debugging() does on a site with debugdisplay on.
            echo "Notice: {$function->name} is noisy\n";
        }
        $function->parameters_method = $function->methodname . '_parameters';
        $function->returns_method = $function->methodname . '_returns';
        $function->deprecated_method = $function->methodname . '_is_deprecated';
        if (!method_exists($function->classname, $function->methodname)) {
            throw new \coding_exception("Missing implementation method {$function->classname}::{$function->methodname}");
        }
        if (method_exists($function->classname, $function->deprecated_method)
                && call_user_func([$function->classname, $function->deprecated_method]) === true) {
            $function->deprecated = true;
        }
        $function->allowed_from_ajax = false;
        $function->parameters_desc = call_user_func([$function->classname, $function->parameters_method]);
        $function->returns_desc = call_user_func([$function->classname, $function->returns_method]);
        $function->description = null;
        $functions = null;
        include(\core_component::get_component_directory($function->component) . '/db/services.php');
        $declared = $functions[$function->name] ?? [];
        $function->description = $declared['description'] ?? null;
        if (isset($declared['type'])) {
            $function->type = $declared['type'];
        }
        $function->allowed_from_ajax = $declared['ajax'] ?? false;
        $function->loginrequired = $declared['loginrequired'] ?? true;
        $function->readonlysession = $declared['readonlysession'] ?? false;
        return $function;
    }
}
PHP;
    eval(($namespace === '' ? '' : "namespace {$namespace};\n") . $code);
    if ($namespace !== '') {
        foreach (['external_description', 'external_value', 'external_format_value', 'external_single_structure',
                'external_function_parameters', 'external_multiple_structure', 'external_warnings', 'external_files',
                'external_api'] as $class) {
            class_alias("{$namespace}\\{$class}", $class);
        }
    }
}
