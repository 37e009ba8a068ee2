//! `kafka-transactions`: what the transaction coordinator and the partitions know about
//! transactions, printed as Kafka's `TransactionsCommand` prints it (a table whose columns are
//! as wide as their widest cell, separated by spaces).
//!
//! The simulator does not model `__transaction_state`: the `Coordinator` column names the
//! broker leading the `__consumer_offsets` partition that `__transaction_state` would use
//! (`abs(hashCode(transactional.id)) % 50`), standing in for it.

use super::{Console, ExecError, ExecErrorKind, Output};
use crate::error::Span;
use crate::TransactionsTool;
use sim::log::BatchKind;
use sim::offsets::partition_for_group;
use sim::World;

fn tool_error(span: Span, message: impl Into<String>) -> ExecError {
    ExecError::new(
        span,
        ExecErrorKind::Tool {
            message: message.into(),
        },
    )
}

/// Kafka's `ToolsUtils.prettyPrintTable`: each column as wide as its widest cell plus one
/// space, rows in order.
fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            if let Some(w) = widths.get_mut(i) {
                *w = (*w).max(cell.chars().count());
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 < cells.len() {
                out.push_str(&format!("{cell:<w$} ", w = widths[i]));
            } else {
                out.push_str(cell);
            }
        }
        out.push('\n');
        out
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// The broker standing in for the transaction coordinator of `id` (see the module docs).
fn coordinator(world: &World, id: &str) -> String {
    let partitions = world
        .topic(sim::OFFSETS_TOPIC)
        .map_or(50, |t| t.partition_count());
    let p = partition_for_group(id, partitions);
    world
        .partition(sim::OFFSETS_TOPIC, p)
        .and_then(|p| p.leader())
        .map_or("-1".to_string(), |b| b.to_string())
}

pub(super) fn run(
    console: &mut Console,
    span: Span,
    tool: &TransactionsTool,
) -> Result<Output, ExecError> {
    let world = &console.world;
    let text = match tool {
        TransactionsTool::List => {
            let rows: Vec<Vec<String>> = world
                .transactions()
                .map(|m| {
                    vec![
                        m.transactional_id.clone(),
                        coordinator(world, &m.transactional_id),
                        m.producer_id.to_string(),
                        m.state.name().to_string(),
                    ]
                })
                .collect();
            table(
                &[
                    "TransactionalId",
                    "Coordinator",
                    "ProducerId",
                    "TransactionState",
                ],
                &rows,
            )
        }
        TransactionsTool::Describe { transactional_id } => {
            let Some(m) = world
                .transactions()
                .find(|m| m.transactional_id == *transactional_id)
            else {
                return Err(tool_error(
                    span,
                    format!("Error: org.apache.kafka.common.errors.TransactionalIdNotFoundException: The transactionalId {transactional_id} does not exist"),
                ));
            };
            let now = world.now_ms();
            let partitions: Vec<String> = m.partitions.iter().map(|tp| tp.to_string()).collect();
            table(
                &[
                    "CoordinatorId",
                    "TransactionalId",
                    "ProducerId",
                    "ProducerEpoch",
                    "TransactionState",
                    "TransactionTimeoutMs",
                    "CurrentTransactionStartTimeMs",
                    "TransactionDurationMs",
                    "TopicPartitions",
                ],
                &[vec![
                    coordinator(world, &m.transactional_id),
                    m.transactional_id.clone(),
                    m.producer_id.to_string(),
                    m.epoch.to_string(),
                    m.state.name().to_string(),
                    m.timeout_ms.to_string(),
                    m.started_ms.map_or("None".to_string(), |t| t.to_string()),
                    m.started_ms
                        .map_or("None".to_string(), |t| (now - t).max(0).to_string()),
                    partitions.join(","),
                ]],
            )
        }
        TransactionsTool::DescribeProducers { partition } => {
            let p = i32::try_from(partition.partition).unwrap_or(i32::MAX);
            let part = world.partition_checked(&partition.topic, p).map_err(|_| {
                tool_error(
                    span,
                    format!("Error: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: {}-{} does not exist", partition.topic, partition.partition),
                )
            })?;
            // Every producer whose transactional records are in the log: its epoch at the
            // coordinator, its last record's timestamp, where its open transaction starts.
            let log = part.log();
            let mut last_ts: std::collections::BTreeMap<i64, i64> = Default::default();
            for r in log.records() {
                if let BatchKind::Transactional { producer_id }
                | BatchKind::Marker { producer_id, .. } = r.kind
                {
                    last_ts.insert(producer_id, r.timestamp_ms);
                }
            }
            let open: std::collections::BTreeMap<i64, i64> = log
                .open_transactions()
                .map(|(pid, first)| (pid, first.0))
                .collect();
            let rows: Vec<Vec<String>> = last_ts
                .iter()
                .map(|(pid, ts)| {
                    let epoch = world
                        .transactions()
                        .find(|m| m.producer_id == *pid)
                        .map_or(-1, |m| m.epoch);
                    // The broker's last sequence of this producer here (from the producer
                    // that holds the id now; -1 when none does).
                    let tp = sim::TopicPartition::new(partition.topic.clone(), p);
                    let sequence = world
                        .producer_names()
                        .filter_map(|n| world.producer(n))
                        .find(|x| x.producer_id() == Some(*pid))
                        .and_then(|x| x.last_sequence(&tp))
                        .map_or(-1, i64::from);
                    vec![
                        pid.to_string(),
                        epoch.to_string(),
                        "0".to_string(),
                        sequence.to_string(),
                        ts.to_string(),
                        open.get(pid).map_or("None".to_string(), |o| o.to_string()),
                    ]
                })
                .collect();
            table(
                &[
                    "ProducerId",
                    "ProducerEpoch",
                    "LatestCoordinatorEpoch",
                    "LastSequence",
                    "LastTimestamp",
                    "CurrentTransactionStartOffset",
                ],
                &rows,
            )
        }
    };
    Ok(Output {
        text,
        events: Vec::new(),
    })
}
