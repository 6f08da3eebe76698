/**
 * @module mbz
 */
export const CAPABILITY = 'mbz';
