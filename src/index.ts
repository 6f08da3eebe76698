/**
 * moodle-totara-sdk: Moodle Web Services, Totara GraphQL, LTI 1.3, Totara HR Import CSV and .mbz backups.
 * Each capability has its own entry point (`moodle-totara-sdk/moodle`, `/totara`, `/lti`, `/hrimport`, `/mbz`,
 * `/sandbox`); this root re-exports the shared core.
 *
 * @module moodle-totara-sdk
 */
export * from './core/index.js';
