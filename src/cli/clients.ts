// Until the area commands import from src/connect/ directly (done with their conversion to lazy loading).
export { moodleClientFromSettings } from '../connect/moodle.js';
export { MOODLE_KEYS, missingSettings, requireSettings, TOTARA_KEYS } from '../connect/settings.js';
export { totaraClientFromSettings } from '../connect/totara.js';
