//! A concurrent map, Rust's counterpart of Go's `sync.Map`: a hash map split
//! into shards, each behind its own `RwLock`, so threads that touch different
//! shards never wait for each other, and readers of one shard share it.
//!
//! Four threads count words of their own slice of a text into one shared map.
//!
//! Run: cargo run -p ch08-concurrency --bin sharded-map
//! Look for: the same counts as a single-threaded count would give.
use std::collections::hash_map::{DefaultHasher, HashMap};
use std::hash::{Hash, Hasher};
use std::sync::RwLock;
use std::thread;

const USAGE: &str = "\
usage: sharded-map
Four threads count the words of their slice of a text into one map split
into RwLock-protected shards. No arguments.
";

// ANCHOR: map
pub struct ShardedMap<K, V> {
    shards: Vec<RwLock<HashMap<K, V>>>,
}

impl<K: Hash + Eq, V: Clone> ShardedMap<K, V> {
    pub fn new(shards: usize) -> Self {
        ShardedMap { shards: (0..shards.max(1)).map(|_| RwLock::new(HashMap::new())).collect() }
    }

    fn shard(&self, key: &K) -> &RwLock<HashMap<K, V>> {
        let mut h = DefaultHasher::new();
        key.hash(&mut h);
        &self.shards[h.finish() as usize % self.shards.len()]
    }

    /// Many readers may hold one shard's read lock at the same time.
    pub fn get(&self, key: &K) -> Option<V> {
        self.shard(key).read().unwrap().get(key).cloned()
    }

    /// A writer holds one shard's write lock; the other shards stay free.
    pub fn update(&self, key: K, f: impl FnOnce(&mut V), default: V) {
        let mut shard = self.shard(&key).write().unwrap();
        f(shard.entry(key).or_insert(default));
    }
}
// ANCHOR_END: map

fn main() {
    if std::env::args().skip(1).any(|a| a == "--help" || a == "-h") {
        print!("{USAGE}");
        return;
    }
    // ANCHOR: use
    // unwrap() on the shard locks is fine here: no code panics while holding one.
    let text = "the quick brown fox jumps over the lazy dog the fox the dog ".repeat(250);
    let words: Vec<&str> = text.split_whitespace().collect();
    let counts: ShardedMap<&str, u32> = ShardedMap::new(8);
    thread::scope(|s| {
        for part in words.chunks(words.len().div_ceil(4)) {
            let counts = &counts;
            s.spawn(move || {
                for &w in part {
                    counts.update(w, |n| *n += 1, 0);
                }
            });
        }
    });
    for w in ["the", "fox", "dog", "quick"] {
        println!("{w:>5}: {}", counts.get(&w).unwrap_or(0));
    }
    // ANCHOR_END: use
}
