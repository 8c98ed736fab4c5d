import assert from 'node:assert/strict';
import { agentPreferenceOf, chooseQemuAgent, chooseRemoteAgent, describeAgentChoice } from '../../../harness/targets/agent-choice.js';
import { asQemuBoard, loadBoard } from '../../../harness/board/board.js';
import { hostBoardArch } from '../../../qemu/accel-probe.js';

describe('agent choice', () => {
  const x86 = asQemuBoard(loadBoard('qemu-x86_64'));
  const arm = asQemuBoard(loadBoard('qemu-aarch64'));

  it('takes --agent over the board and the board over auto, and refuses unknown names', () => {
    assert.equal(agentPreferenceOf(x86), 'auto');
    assert.equal(agentPreferenceOf({ ...x86, agent: { kind: 'native' } }), 'native');
    assert.equal(agentPreferenceOf({ ...x86, agent: { kind: 'native' } }, 'node'), 'node');
    assert.throws(() => agentPreferenceOf(x86, 'python'), /--agent: unknown agent 'python'; known: auto, node, native/);
  });

  it('auto on QEMU: native where it can be built, else node on a same-arch guest (host node over 9p) or an image with node, native on a foreign one without', () => {
    const host = hostBoardArch();
    const same = host === 'aarch64' ? arm : x86;
    const foreign = host === 'aarch64' ? x86 : arm;
    const built = { nativeBuildable: true };
    const unbuilt = { nativeBuildable: false };
    assert.deepEqual(chooseQemuAgent(same, 'auto', built), { kind: 'native', reason: `auto: the native agent is built for ${same.arch} (static binary over the 9p share)` });
    assert.equal(chooseQemuAgent(same, 'auto', unbuilt).kind, 'node');
    assert.match(chooseQemuAgent(same, 'auto', unbuilt).reason, /no native agent for .* \(no compiler\); the host's node/);
    const foreignNoNode = { ...foreign, qemu: { ...foreign.qemu, agentNode: 'host' as const } };
    assert.equal(chooseQemuAgent(foreignNoNode, 'auto', unbuilt).kind, 'native');
    const foreignImage = { ...foreign, qemu: { ...foreign.qemu, agentNode: 'image' as const } };
    assert.equal(chooseQemuAgent(foreignImage, 'auto', unbuilt).kind, 'node');
    assert.equal(chooseQemuAgent(foreignImage, 'auto', built).kind, 'native');
    assert.equal(chooseQemuAgent(same, 'native', unbuilt).kind, 'native');
    assert.equal(chooseQemuAgent(same, 'node', built).kind, 'node');
  });

  it("auto on a board: node when its node is usable, native with the reason otherwise", () => {
    assert.deepEqual(chooseRemoteAgent('auto', { version: 'v20.11.1' }), { kind: 'node', reason: "auto: the board's node is v20.11.1" });
    const none = chooseRemoteAgent('auto', { problem: "no Node.js ('node' not found)" });
    assert.equal(none.kind, 'native');
    assert.equal(describeAgentChoice(none), "agent: native (auto: no Node.js ('node' not found))");
    assert.equal(chooseRemoteAgent('node', {}).kind, 'node');
  });
});
