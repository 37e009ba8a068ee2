//! Property test: whatever the app does, in whatever order, the stored log is exactly the
//! lines that were accepted, in order — nothing rewritten, nothing lost, no holes — and an
//! export imported elsewhere is the same session.

#![cfg(not(target_arch = "wasm32"))]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use proptest::prelude::*;
use serde_json::json;
use store::{MemoryStorage, NewSession, Store, StoreError};

fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..1_000 {
        if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("a memory store future did not finish");
}

#[derive(Debug, Clone)]
enum Op {
    /// Append at log end + `offset` (0 is the right index; others must be refused).
    Append {
        offset: i8,
        payload: u16,
    },
    Snapshot {
        back: u8,
    },
    Truncate {
        back: u8,
    },
    Rename {
        name: u8,
    },
    Reload,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (-2i8..=2, any::<u16>()).prop_map(|(offset, payload)| Op::Append { offset, payload }),
        1 => any::<u8>().prop_map(|back| Op::Snapshot { back }),
        1 => (0u8..4).prop_map(|back| Op::Truncate { back }),
        1 => any::<u8>().prop_map(|name| Op::Rename { name }),
        1 => Just(Op::Reload),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn the_stored_log_is_exactly_the_accepted_lines(
        ops in proptest::collection::vec(op(), 1..60),
        quota in prop_oneof![Just(None), (500usize..3_000).prop_map(Some)],
    ) {
        let memory = match quota {
            Some(q) => MemoryStorage::with_quota(q),
            None => MemoryStorage::new(),
        };
        let mut store = Store::with_memory(memory);
        let id = block_on(store.create_session(NewSession {
            name: "p".into(), seed: 9, config: json!({}),
        })).unwrap().id;
        let mut model: Vec<String> = Vec::new();
        let mut snapshots: Vec<u64> = Vec::new();
        let mut name = "p".to_string();
        for op in ops {
            match op {
                Op::Append { offset, payload } => {
                    let end = model.len() as i64;
                    let index = end + i64::from(offset);
                    if index < 0 { continue; }
                    let line = format!("kafka-console-producer --topic orders --value {payload}");
                    let result = block_on(store.append_step(&id, index as u64, &line));
                    match offset {
                        0 => { prop_assert_eq!(result, Ok(())); model.push(line); }
                        o if o < 0 => prop_assert!(matches!(result, Err(StoreError::DuplicateSequenceNumber { .. })), "{:?}", result),
                        _ => prop_assert!(matches!(result, Err(StoreError::OutOfOrderSequenceNumber { .. })), "{:?}", result),
                    }
                }
                Op::Snapshot { back } => {
                    let step = (model.len() as u64).saturating_sub(u64::from(back % 8));
                    block_on(store.put_snapshot(&id, step, &json!({"at": step}))).unwrap();
                    snapshots.retain(|s| *s != step);
                    snapshots.push(step);
                }
                Op::Truncate { back } => {
                    let keep = model.len().saturating_sub(usize::from(back));
                    block_on(store.truncate_session(&id, keep as u64)).unwrap();
                    model.truncate(keep);
                    snapshots.retain(|s| *s <= keep as u64);
                }
                Op::Rename { name: n } => {
                    name = format!("name {n}");
                    block_on(store.rename_session(&id, &name)).unwrap();
                }
                Op::Reload => {
                    // The next visit: everything goes through an export file into a new store.
                    let file = block_on(store.export_all()).unwrap();
                    store = Store::in_memory();
                    block_on(store.import_sessions(&file)).unwrap();
                }
            }
            let loaded = block_on(store.load_session(&id)).unwrap();
            prop_assert_eq!(&loaded.steps, &model);
            prop_assert_eq!(loaded.meta.step_count, model.len() as u64);
            prop_assert_eq!(&loaded.meta.name, &name);
            let latest = snapshots.iter().max().copied();
            prop_assert_eq!(loaded.snapshot.as_ref().map(|s| s.step), latest);
            if let Some(s) = &loaded.snapshot {
                prop_assert_eq!(&s.state, &json!({"at": s.step}));
            }
        }
        prop_assert!(store.take_notices().iter().all(|n| *n == store::Notice::QuotaExceeded));
    }
}
