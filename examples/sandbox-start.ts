/**
 * Start the local sandbox from code and print where its services are. Run: npx tsx examples/sandbox-start.ts
 */
import { startSandbox } from 'moodle-totara-sdk/sandbox';

const sandbox = await startSandbox();
console.log(`Moodle REST   ${sandbox.moodle.url}/webservice/rest/server.php`);
console.log(`Totara API    ${sandbox.totara.url}/api/graphql.php`);
console.log(`LTI platform  issuer ${sandbox.lti.issuer}`);
await sandbox.close();
