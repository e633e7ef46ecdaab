/**
 * A rank that dies, or stays alive but stops taking part, must make the others fail with a
 * clear TorchError within the group's timeout — never hang. Two processes on loopback with a
 * tcp:// rendezvous and a short timeout.
 */
import { strict as assert } from 'assert';
import { runRanks } from './helpers/spawn-ranks';

const TIMEOUT_MS = 3000;

describe('distributed: a failed rank makes the others fail, within the timeout', function () {
  this.timeout(120000);

  it('a rank killed (SIGKILL) after joining: the survivor\'s allReduce throws a TorchError', async () => {
    const [r0, r1] = await runRanks(['dead', String(TIMEOUT_MS)], { deadlineMs: 60000 });
    assert.equal(r1.signal, 'SIGKILL');
    assert.equal(r0.code, 0, r0.stderr);
    const { error, ms } = r0.result;
    assert.ok(error, 'allReduce with a dead peer must throw');
    assert.equal(error.isTorchError, true);
    assert.match(error.message, /Connection closed by peer|Connection reset|Read error|Timed out|timeout/i);
    // gloo notices a closed connection at once; the timeout bounds it in any case
    assert.ok(ms < TIMEOUT_MS + 2000, `failed after ${ms} ms`);
  });

  it('a rank killed during DDP training: the survivor\'s backward (the Reducer\'s all-reduce) throws a TorchError', async () => {
    const [r0, r1] = await runRanks(['ddp-dead', String(TIMEOUT_MS)], { deadlineMs: 60000 });
    assert.equal(r1.signal, 'SIGKILL');
    assert.equal(r0.code, 0, r0.stderr);
    const { error, ms } = r0.result;
    assert.ok(error, 'backward with a dead peer must throw');
    assert.equal(error.isTorchError, true);
    assert.match(error.message, /Connection closed by peer|Connection reset|Read error|Timed out|timeout/i);
    assert.ok(ms < TIMEOUT_MS + 2000, `failed after ${ms} ms`);
  });

  it('a rank alive but silent: the others time out after the group\'s timeout, not later', async () => {
    const [r0] = await runRanks(['silent', String(TIMEOUT_MS)], { deadlineMs: 60000 });
    assert.equal(r0.code, 0, r0.stderr);
    const { error, ms } = r0.result;
    assert.ok(error, 'allReduce with a silent peer must throw');
    assert.equal(error.isTorchError, true);
    assert.match(error.message, /timed out|timeout/i);
    assert.ok(ms >= TIMEOUT_MS * 0.9 && ms < TIMEOUT_MS * 2 + 2000, `failed after ${ms} ms`);
  });

  it('a rank that never comes: initProcessGroup throws a TorchError once the timeout has passed', async () => {
    // rank 1 is a process that exits without joining
    const [r0] = await runRanks(['alone', String(TIMEOUT_MS)], { deadlineMs: 60000, command: (rank) => (rank === 1 ? [process.execPath, ['-e', '']] : undefined) });
    assert.equal(r0.code, 0, r0.stderr);
    const { error, ms } = r0.result;
    assert.ok(error, 'initProcessGroup without the other rank must throw');
    assert.equal(error.isTorchError, true);
    assert.match(error.message, /timed out|timeout|Timed out/i);
    assert.ok(ms >= TIMEOUT_MS * 0.9 && ms < TIMEOUT_MS * 2 + 3000, `failed after ${ms} ms`);
  });
});
