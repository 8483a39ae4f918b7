// What one idle, authenticated socket costs chat-a's JS heap, by kind of object: a heap snapshot
// of chat-a (through its inspector, after a full GC), N sockets opened by this process with the
// benchmark's lean client, a second snapshot, and the difference divided by N. Run it against the
// local cluster (make cluster-up):
//
//   node bench/dist/tools/socket-heap.js [sockets, default 3000]
//
// It found the upgrade request engine.io keeps per WebSocket (services/chat/src/realtime/
// release-upgrade.ts). The first connections also compile code, which shows up as "(code)" and
// shrinks per socket as N grows.
import { createPrivateKey } from 'node:crypto';
import { LeanSocket } from '../client/lean-socket.js';
import { clusterSigning, readCluster } from '../orchestrator/cluster.js';
import { diffHeap, groupHeap } from '../profile/heap.js';
import { InspectorSession } from '../profile/inspector.js';
import { socketUrl } from '../protocol/frames.js';
import { mintAccessToken, newUser } from '../worker/tokens.js';

const count = Number(process.argv[2] ?? 3_000);
if (!Number.isInteger(count) || count < 1 || count > 15_000) {
  console.error('usage: node bench/dist/tools/socket-heap.js [sockets, 1-15000]');
  process.exit(2);
}

const cluster = readCluster();
const signing = await clusterSigning(cluster, 3_600);
const key = createPrivateKey(signing.pem);
const inspector = await InspectorSession.attach(cluster.pids.chatA);

const before = groupHeap(await inspector.heapSnapshot());
const sockets: LeanSocket[] = [];
const batch = 200;
for (let opened = 0; opened < count; opened += batch) {
  await Promise.all(
    Array.from({ length: Math.min(batch, count - opened) }, async (_, i) => {
      const token = await mintAccessToken(key, signing, newUser(`heap${opened + i}`));
      const socket = new LeanSocket({ url: socketUrl(cluster.chatA), auth: { token } });
      await socket.connect(20_000);
      sockets.push(socket);
    }),
  );
}
const after = groupHeap(await inspector.heapSnapshot());
inspector.close();

const { totalBytes, rows } = diffHeap(before, after, count);
console.log(`chat-a (pid ${cluster.pids.chatA}): ${count} sockets opened`);
console.log(`JS heap per socket: ${totalBytes.toFixed(0)} B`);
console.log('   bytes  objects  kind (per socket)');
for (const row of rows.filter((r) => Math.abs(r.bytes) >= 8).slice(0, 40)) {
  console.log(
    `${row.bytes.toFixed(0).padStart(8)} ${row.count.toFixed(2).padStart(8)}  ${row.kind}`,
  );
}
for (const socket of sockets) socket.close();
process.exit(0);
