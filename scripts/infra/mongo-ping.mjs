#!/usr/bin/env node
// MongoDB wire-protocol `ping` with no dependencies (raw OP_MSG), used by scripts/infra to check
// that FerretDB really answers. Usage: node mongo-ping.mjs [host] [port] [timeoutMs]
// Prints the server's reply fields it understood and exits 0 when the reply has ok: 1.
import { Buffer } from 'node:buffer';
import console from 'node:console';
import net from 'node:net';
import process from 'node:process';
import { clearTimeout, setTimeout } from 'node:timers';

const [host = '127.0.0.1', port = '27017', timeoutMs = '3000'] = process.argv.slice(2);

const cstring = (s) => Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
const int32 = (n) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
};
const bsonDoc = (...elements) => {
  const body = Buffer.concat([...elements, Buffer.from([0])]);
  return Buffer.concat([int32(body.length + 4), body]);
};
const bsonString = (name, value) => {
  const v = cstring(value);
  return Buffer.concat([Buffer.from([0x02]), cstring(name), int32(v.length), v]);
};
const bsonInt32 = (name, value) =>
  Buffer.concat([Buffer.from([0x10]), cstring(name), int32(value)]);

// OP_MSG (opCode 2013): header, flagBits, one kind-0 section with {ping: 1, $db: "admin"}
const command = bsonDoc(bsonInt32('ping', 1), bsonString('$db', 'admin'));
const body = Buffer.concat([int32(0), Buffer.from([0]), command]);
const header = Buffer.concat([int32(16 + body.length), int32(1), int32(0), int32(2013)]);
const request = Buffer.concat([header, body]);

// Top-level fields of a BSON document (only the types a ping reply uses).
function readTopLevel(doc) {
  const out = {};
  let i = 4;
  const end = doc.readInt32LE(0) - 1;
  while (i < end) {
    const type = doc[i++];
    const nameEnd = doc.indexOf(0, i);
    const name = doc.toString('utf8', i, nameEnd);
    i = nameEnd + 1;
    if (type === 0x01) {
      out[name] = doc.readDoubleLE(i);
      i += 8;
    } else if (type === 0x10) {
      out[name] = doc.readInt32LE(i);
      i += 4;
    } else if (type === 0x12) {
      out[name] = Number(doc.readBigInt64LE(i));
      i += 8;
    } else if (type === 0x08) {
      out[name] = doc[i] === 1;
      i += 1;
    } else if (type === 0x02) {
      const len = doc.readInt32LE(i);
      out[name] = doc.toString('utf8', i + 4, i + 4 + len - 1);
      i += 4 + len;
    } else if (type === 0x03 || type === 0x04) {
      i += doc.readInt32LE(i);
    } else {
      break; // a type a ping reply does not need: stop here
    }
  }
  return out;
}

const fail = (msg) => {
  console.error(`mongo-ping ${host}:${port}: ${msg}`);
  process.exit(1);
};
const timer = setTimeout(() => fail(`no reply within ${timeoutMs} ms`), Number(timeoutMs));
const socket = net.connect({ host, port: Number(port) }, () => socket.write(request));
let buf = Buffer.alloc(0);
socket.on('data', (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  if (buf.length < 4 || buf.length < buf.readInt32LE(0)) return;
  clearTimeout(timer);
  socket.destroy();
  if (buf.readInt32LE(12) !== 2013 || buf[20] !== 0) fail('unexpected reply format');
  const reply = readTopLevel(buf.subarray(21));
  console.log(JSON.stringify(reply));
  process.exit(reply.ok === 1 ? 0 : 1);
});
socket.on('error', (err) => fail(err.message));
