/**
 * @module hrimport
 */
export const CAPABILITY = 'hrimport';
