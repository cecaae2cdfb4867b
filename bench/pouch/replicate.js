// PouchDB replicating the same records frontaid's sync apply takes in (bench/sync.py --pouch).
// What the Community Health Toolkit builds on: one document per record, replicated between
// databases by PouchDB's own protocol (changes feed, revs_diff, bulk_get, bulk_docs).
//
//   node bench/pouch/replicate.js DOCS.jsonl memory|leveldb WORKDIR
//
// The documents are loaded into a source database first (not timed); the time is
// PouchDB.replicate(source, target) into an empty target with the chosen adapter.
// Prints one JSON line: {"docs": N, "seconds": S, "adapter": A}.
'use strict';
const fs = require('fs');
const path = require('path');
const readline = require('readline');
const PouchDB = require('pouchdb-core')
  .plugin(require('pouchdb-adapter-memory'))
  .plugin(require('pouchdb-adapter-leveldb'))
  .plugin(require('pouchdb-replication'));

async function load(db, file) {
  const lines = readline.createInterface({input: fs.createReadStream(file), crlfDelay: Infinity});
  let batch = [];
  let n = 0;
  for await (const line of lines) {
    if (!line) continue;
    batch.push(JSON.parse(line));
    if (batch.length === 5000) {
      await db.bulkDocs(batch, {new_edits: true});
      n += batch.length;
      batch = [];
    }
  }
  if (batch.length) {
    await db.bulkDocs(batch);
    n += batch.length;
  }
  return n;
}

(async () => {
  const [file, adapter, work] = process.argv.slice(2);
  if (!file || !['memory', 'leveldb'].includes(adapter) || !work) {
    console.error('usage: node replicate.js DOCS.jsonl memory|leveldb WORKDIR');
    process.exit(2);
  }
  const source = new PouchDB('source', {adapter: 'memory'});
  const n = await load(source, file);
  const target = adapter === 'memory'
    ? new PouchDB('target', {adapter: 'memory'})
    : new PouchDB(path.join(work, 'target'), {adapter: 'leveldb'});
  const t = process.hrtime.bigint();
  const result = await PouchDB.replicate(source, target, {batch_size: 1000, batches_limit: 10});
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  const info = await target.info();
  if (info.doc_count !== n || result.docs_written !== n) {
    console.error(`replicated ${result.docs_written} of ${n}, target holds ${info.doc_count}`);
    process.exit(1);
  }
  console.log(JSON.stringify({docs: n, seconds, adapter}));
})().catch((e) => { console.error(e); process.exit(1); });
