/**
 * @module totara
 */
export const CAPABILITY = 'totara';
