import { sweepOrphanTempFolders } from '../../sandbox/temp-folders';

// Loaded by mocha before any test file (.mocharc.json `require`): a test run starts by removing
// the temp folders that earlier runs, killed before they could clean up, left behind. Folders of
// runs still going (another worktree's `npm test`, a bench) are kept.
sweepOrphanTempFolders();
