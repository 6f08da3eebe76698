/** The seeded generator of the Moodle property tests: the project's shared one, so a failure replays from its seed. */
export { seededRandom as seeded } from '../helpers/random.js';
