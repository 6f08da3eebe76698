/**
 * @module lti
 */
export const CAPABILITY = 'lti';
