/**
 * @module moodle
 */
export const CAPABILITY = 'moodle';
