//! Played clients: a consumer or a producer running as an application on its own, driven
//! by the virtual clock (a simulator feature, not a Kafka API).
//!
//! A **consumer application** is the poll loop every Kafka tutorial writes:
//!
//! ```text
//! while (running) {
//!     records = consumer.poll(timeout);       // auto-commit happens here when enabled
//!     [commitSync()]                          // before-processing: at-most-once
//!     for (record : records) {
//!         process(record);                    // process_ms of virtual time each
//!         [commitSync(record.offset() + 1)]   // sync-per-record
//!     }
//!     [commitSync() | commitAsync()]          // sync-per-batch | async-per-batch
//! }
//! ```
//!
//! Under `external-store` (a consumer with `offset.store`) there is no Kafka commit at all:
//! `process(record)` writes the result and the next offset to the database in one
//! transaction, and the rebalance listener seeks to the stored offsets (see `external.rs`):
//!
//! ```text
//! consumer.subscribe(topics, listener);       // onPartitionsAssigned: seek(tp, db.offset(tp))
//! while (running) {
//!     for (record : consumer.poll(timeout))
//!         db.inTransaction(() -> { db.saveResult(record); db.saveOffset(tp, offset + 1); });
//! }
//! ```
//!
//! Each step is the same world operation the manual verbs use (`Poll`, `Process`,
//! `CommitSync`, `CommitAsync`), so the same events come out. A poll that returns nothing
//! waits `idle_ms` (the poll timeout) before the next poll. A `commitSync` blocks the loop
//! until the commit is replicated, checked every `replica_fetch_delay_ms`, as the manual
//! `CommitSync` waits; after four checks the loop reports `REQUEST_TIMED_OUT` and goes on.
//!
//! A **producer application** sends `rate` records per second to one topic: record `n`
//! (from 0) at `started_ms + n * 1000 / rate`, valued `"n"`, keyed `key-(n % keys)` (no key
//! when `keys` is 0).
//!
//! Every application's next step is an explicit time in the world ([`ConsumerApp::at_ms`],
//! [`ProducerApp::next_send_ms`]) with a [`Timer::AppTimer`] behind it, so a played session
//! replays exactly and snapshots carry it. Stopping an application (`StopApp`) returns the
//! client to manual control; a crash or a close stops it too. A restarted consumer is
//! manual: the learner starts the loop again with `RunConsumer` (a crash is where a
//! learner looks at what was lost or repeated before anything moves again).

use super::{App, Intent};
use crate::consumer::ConsumerError;
use crate::error::SimError;
use crate::event::Event;
use crate::scheduler::Timer;
use crate::types::TopicPartition;
use crate::world::World;
use serde::{Deserialize, Serialize};

/// How a played consumer commits its offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CommitPolicy {
    /// `enable.auto.commit=true`: the positions of earlier polls are committed at a poll,
    /// once every `auto.commit.interval.ms` (at-least-once, with a window of duplicates).
    Auto,
    /// `commitSync()` after processing each batch (at-least-once, at most one batch again).
    SyncPerBatch,
    /// `commitSync(offset + 1)` after each record (at-least-once, at most one record again).
    SyncPerRecord,
    /// `commitSync()` right after `poll`, before processing (at-most-once).
    BeforeProcessing,
    /// `commitAsync()` after processing each batch (not retried; a failure is only reported).
    AsyncPerBatch,
    /// No Kafka commit: each record's result and offset go to the consumer's database in
    /// one transaction as its processing finishes (`offset.store`; exactly once).
    ExternalStore,
}

impl CommitPolicy {
    pub const ALL: [CommitPolicy; 6] = [
        CommitPolicy::Auto,
        CommitPolicy::SyncPerBatch,
        CommitPolicy::SyncPerRecord,
        CommitPolicy::BeforeProcessing,
        CommitPolicy::AsyncPerBatch,
        CommitPolicy::ExternalStore,
    ];

    /// The console's name of the policy (`sync-per-batch`).
    pub fn name(self) -> &'static str {
        match self {
            CommitPolicy::Auto => "auto",
            CommitPolicy::SyncPerBatch => "sync-per-batch",
            CommitPolicy::SyncPerRecord => "sync-per-record",
            CommitPolicy::BeforeProcessing => "before-processing",
            CommitPolicy::AsyncPerBatch => "async-per-batch",
            CommitPolicy::ExternalStore => "external-store",
        }
    }

    pub fn from_name(name: &str) -> Option<CommitPolicy> {
        CommitPolicy::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// What a consumer application does when its time comes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppStep {
    /// `poll()`.
    Poll,
    /// Start processing what the polls returned (one record under `sync-per-record`).
    Process,
    /// Processing; the step after it comes when the last record is done.
    Processing {
        /// Under `sync-per-record`: the record being processed (its partition and offset).
        record: Option<(TopicPartition, i64)>,
    },
    /// Blocked in `commitSync` until the commit is replicated; `then` comes next.
    AwaitCommit {
        then: Box<AppStep>,
        /// The partitions of `__consumer_offsets` keys written: (group, partition).
        commits: Vec<(String, TopicPartition)>,
        checks: u32,
    },
}

impl AppStep {
    /// A short name for views (`poll`, `process`, `processing`, `commit`).
    pub fn name(&self) -> &'static str {
        match self {
            AppStep::Poll => "poll",
            AppStep::Process => "process",
            AppStep::Processing { .. } => "processing",
            AppStep::AwaitCommit { .. } => "commit",
        }
    }
}

/// A consumer's application loop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumerApp {
    pub commit: CommitPolicy,
    /// Virtual time the application spends on each record.
    pub process_ms: i64,
    /// How long a poll that returned nothing waits before the next one (the poll timeout).
    pub idle_ms: i64,
    pub step: AppStep,
    /// When `step` runs.
    pub at_ms: i64,
    pub(crate) wake: Option<i64>,
}

/// A producer's application: records at a rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerApp {
    pub topic: String,
    /// Records per second (1 to [`MAX_RATE`]).
    pub rate: u32,
    /// Keys cycle through `key-0` … `key-(keys-1)`; 0: records without a key.
    pub keys: u32,
    pub started_ms: i64,
    /// Records sent so far (the next record's number).
    pub sent: u64,
    pub(crate) wake: Option<i64>,
}

impl ProducerApp {
    /// When the next record is sent.
    pub fn next_send_ms(&self) -> i64 {
        let offset = u128::from(self.sent) * 1000 / u128::from(self.rate.max(1));
        self.started_ms
            .saturating_add(i64::try_from(offset).unwrap_or(i64::MAX))
    }
}

/// The most records per second a producer application sends.
pub const MAX_RATE: u32 = 1000;
/// The longest processing time per record or poll timeout of an application (one hour).
pub const MAX_APP_MS: i64 = 3_600_000;
/// The poll timeout when none is given.
pub const DEFAULT_IDLE_MS: i64 = 100;
/// Steps a consumer application takes at one instant before the clock must move on.
const STEPS_PER_INSTANT: usize = 64;

/// An application as views show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppView {
    Consumer {
        commit: CommitPolicy,
        process_ms: i64,
        idle_ms: i64,
        /// `poll`, `process`, `processing` or `commit`.
        step: String,
        next_at_ms: i64,
    },
    Producer {
        topic: String,
        rate: u32,
        keys: u32,
        sent: u64,
        next_at_ms: i64,
    },
}

fn invalid(reason: impl Into<String>) -> SimError {
    SimError::InvalidRequest {
        reason: reason.into(),
    }
}

impl App {
    pub(crate) fn view(&self) -> AppView {
        match self {
            App::Consumer(a) => AppView::Consumer {
                commit: a.commit,
                process_ms: a.process_ms,
                idle_ms: a.idle_ms,
                step: a.step.name().to_string(),
                next_at_ms: a.at_ms,
            },
            App::Producer(a) => AppView::Producer {
                topic: a.topic.clone(),
                rate: a.rate,
                keys: a.keys,
                sent: a.sent,
                next_at_ms: a.next_send_ms(),
            },
        }
    }

    fn due_ms(&self) -> i64 {
        match self {
            App::Consumer(a) => a.at_ms,
            App::Producer(a) => a.next_send_ms(),
        }
    }

    fn wake_mut(&mut self) -> &mut Option<i64> {
        match self {
            App::Consumer(a) => &mut a.wake,
            App::Producer(a) => &mut a.wake,
        }
    }
}

impl World {
    /// The application a client runs, if any.
    pub fn app(&self, client: &str) -> Option<AppView> {
        self.clients.apps.get(client).map(App::view)
    }

    /// `RunConsumer`: start a consumer's application loop.
    pub(crate) fn run_consumer(
        &mut self,
        name: &str,
        commit: Option<CommitPolicy>,
        process_ms: Option<i64>,
        idle_ms: Option<i64>,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        let slot = self.clients.consumers.get(name).ok_or_else(|| {
            if self.clients.producers.contains_key(name) {
                invalid(format!("{name} is a producer: give it --topic and --rate"))
            } else {
                SimError::UnknownClient { name: name.into() }
            }
        })?;
        if !slot.consumer.is_running() {
            return Err(invalid(format!(
                "consumer {name} is not running; restart it first"
            )));
        }
        if self.clients.apps.contains_key(name) {
            return Err(invalid(format!(
                "consumer {name} already runs its application; stop it first"
            )));
        }
        if slot.intent == Intent::None {
            return Err(invalid(format!(
                "consumer {name} has nothing to poll: subscribe or assign it first"
            )));
        }
        let auto = slot.consumer.config().enable_auto_commit;
        let offset_store = match &slot.settings.external_store {
            Some(super::ExternalStore::Offsets(db)) => Some(db.clone()),
            _ => None,
        };
        let commit = commit.unwrap_or(if offset_store.is_some() {
            CommitPolicy::ExternalStore
        } else if auto {
            CommitPolicy::Auto
        } else {
            CommitPolicy::SyncPerBatch
        });
        match (&offset_store, commit) {
            (None, CommitPolicy::ExternalStore) => {
                return Err(invalid(format!(
                    "the external-store policy writes the offsets to the consumer's database: create consumer {name} with offset.store=DATABASE"
                )))
            }
            (Some(db), p) if p != CommitPolicy::ExternalStore => {
                return Err(invalid(format!(
                    "consumer {name} keeps its offsets in database '{db}' (offset.store), not in Kafka: run it with the external-store policy, not {}",
                    p.name()
                )))
            }
            _ => {}
        }
        if commit == CommitPolicy::Auto && !auto {
            return Err(invalid(format!(
                "the auto policy needs enable.auto.commit=true, and consumer {name} has it false"
            )));
        }
        if commit != CommitPolicy::Auto && commit != CommitPolicy::ExternalStore && auto {
            return Err(invalid(format!(
                "the {} policy commits by itself: create consumer {name} with enable.auto.commit=false",
                commit.name()
            )));
        }
        let process_ms = process_ms.unwrap_or(slot.settings.processing_ms_per_record);
        let idle_ms = idle_ms.unwrap_or(DEFAULT_IDLE_MS);
        if !(0..=MAX_APP_MS).contains(&process_ms) {
            return Err(invalid(format!(
                "processing time per record must be 0 to {MAX_APP_MS} ms, not {process_ms}"
            )));
        }
        if !(1..=MAX_APP_MS).contains(&idle_ms) {
            return Err(invalid(format!(
                "the poll timeout must be 1 to {MAX_APP_MS} ms, not {idle_ms}"
            )));
        }
        let app = ConsumerApp {
            commit,
            process_ms,
            idle_ms,
            step: AppStep::Poll,
            at_ms: self.now_ms,
            wake: None,
        };
        self.start_app(name, App::Consumer(app), events);
        Ok(())
    }

    /// `RunProducer`: start a producer sending `rate` records per second to `topic`.
    pub(crate) fn run_producer(
        &mut self,
        name: &str,
        topic: &str,
        rate: u32,
        keys: u32,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        let Some(p) = self.clients.producers.get(name) else {
            if self.clients.consumers.contains_key(name) {
                return Err(invalid(format!(
                    "{name} is a consumer: give it --commit and --process-ms, not a topic"
                )));
            }
            return Err(SimError::UnknownClient { name: name.into() });
        };
        if p.is_closed() {
            return Err(invalid(format!("producer {name} is closed")));
        }
        if self.clients.apps.contains_key(name) {
            return Err(invalid(format!(
                "producer {name} already runs its application; stop it first"
            )));
        }
        if self.topic(topic).is_none() {
            return Err(SimError::UnknownTopicOrPartition {
                topic: topic.into(),
                partition: None,
            });
        }
        if !(1..=MAX_RATE).contains(&rate) {
            return Err(invalid(format!(
                "a rate is 1 to {MAX_RATE} records per second, not {rate}"
            )));
        }
        let app = ProducerApp {
            topic: topic.to_string(),
            rate,
            keys,
            started_ms: self.now_ms,
            sent: 0,
            wake: None,
        };
        self.start_app(name, App::Producer(app), events);
        Ok(())
    }

    fn start_app(&mut self, name: &str, app: App, events: &mut Vec<Event>) {
        events.push(Event::AppStarted {
            client: name.to_string(),
            app: app.view(),
        });
        self.clients.apps.insert(name.to_string(), app);
    }

    /// `StopApp`: the client goes back to manual control (what it holds stays: polled
    /// records, records being processed, batches lingering in a producer).
    pub(crate) fn stop_app_command(
        &mut self,
        name: &str,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        if !self.client_name_taken(name) {
            return Err(SimError::UnknownClient { name: name.into() });
        }
        if !self.clients.apps.contains_key(name) {
            return Err(invalid(format!("{name} runs no application")));
        }
        self.stop_app(name, "asked to stop", events);
        Ok(())
    }

    /// Stops `name`'s application, if it runs one.
    pub(crate) fn stop_app(&mut self, name: &str, reason: &str, events: &mut Vec<Event>) {
        if self.clients.apps.remove(name).is_some() {
            events.push(Event::AppStopped {
                client: name.to_string(),
                reason: reason.to_string(),
            });
        }
    }

    /// Makes sure every application has a timer at its next step.
    pub(crate) fn reschedule_apps(&mut self) {
        let now = self.now_ms;
        let mut timers = Vec::new();
        for (name, app) in &mut self.clients.apps {
            let d = app.due_ms().max(now);
            let wake = app.wake_mut();
            if wake.is_none_or(|w| d < w) {
                *wake = Some(d);
                timers.push((
                    d,
                    Timer::AppTimer {
                        client: name.clone(),
                    },
                ));
            }
        }
        for (due, t) in timers {
            self.scheduler.schedule(due, t);
        }
    }

    pub(crate) fn fire_app_timer(&mut self, name: &str, events: &mut Vec<Event>) {
        let now = self.now_ms;
        let Some(app) = self.clients.apps.get_mut(name) else {
            return;
        };
        let wake = app.wake_mut();
        if wake.is_some_and(|w| w <= now) {
            *wake = None;
        }
        match app {
            App::Consumer(_) => self.step_consumer_app(name, events),
            App::Producer(_) => self.step_producer_app(name, events),
        }
        self.reschedule_clients();
    }

    fn consumer_app(&self, name: &str) -> Option<&ConsumerApp> {
        match self.clients.apps.get(name) {
            Some(App::Consumer(a)) => Some(a),
            _ => None,
        }
    }

    fn set_step(&mut self, name: &str, step: AppStep, at_ms: i64) {
        if let Some(App::Consumer(a)) = self.clients.apps.get_mut(name) {
            a.step = step;
            a.at_ms = at_ms;
        }
    }

    /// Runs the consumer application's steps that are due now.
    fn step_consumer_app(&mut self, name: &str, events: &mut Vec<Event>) {
        for _ in 0..STEPS_PER_INSTANT {
            let now = self.now_ms;
            let Some(app) = self.consumer_app(name).cloned() else {
                return;
            };
            if app.at_ms > now {
                return;
            }
            if !self.consumer(name).is_some_and(|c| c.is_running()) {
                self.stop_app(name, "the consumer is not running", events);
                return;
            }
            self.finish_processing(name, events);
            match app.step {
                AppStep::Poll => {
                    let waiting = |w: &World| w.consumer(name).map_or(0, |c| c.unprocessed_count());
                    if let Err(e) = self.poll(name, None, events) {
                        self.stop_app(name, &e.to_string(), events);
                        return;
                    }
                    let after = waiting(self);
                    if after == 0 {
                        // Nothing came: poll(timeout) returns empty after the timeout.
                        self.set_step(name, AppStep::Poll, now.saturating_add(app.idle_ms));
                    } else if app.commit == CommitPolicy::BeforeProcessing {
                        // Everything in hand is committed before any of it is processed,
                        // records polled by hand before `run` too.
                        match self.app_commit(name, true, None, events) {
                            Some(commits) => self.await_commit(name, AppStep::Process, commits),
                            None => {
                                // `commitSync()` threw, so `process(records)` after it never
                                // runs: the batch is dropped unprocessed (its position stays
                                // past it: at-most-once), never processed twice.
                                self.discard_batch(name, events);
                                self.set_step(name, AppStep::Poll, now);
                            }
                        }
                    } else {
                        self.set_step(name, AppStep::Process, now);
                    }
                }
                AppStep::Process => {
                    let per_record = app.commit == CommitPolicy::SyncPerRecord;
                    let next = self.consumer(name).and_then(|c| c.next_unprocessed());
                    let Some(next) = next else {
                        self.set_step(name, AppStep::Poll, now);
                        continue;
                    };
                    let count = per_record.then_some(1);
                    if let Err(e) = self.process(name, count, Some(app.process_ms), events) {
                        self.stop_app(name, &e.to_string(), events);
                        return;
                    }
                    let done_at = self
                        .clients
                        .consumers
                        .get(name)
                        .and_then(|s| s.processing.back().map(|r| r.done_at_ms))
                        .unwrap_or(now)
                        .max(now);
                    let record = per_record.then_some(next);
                    self.set_step(name, AppStep::Processing { record }, done_at);
                }
                AppStep::Processing { record } => {
                    let busy = self
                        .clients
                        .consumers
                        .get(name)
                        .and_then(|s| s.processing.back().map(|r| r.done_at_ms));
                    if let Some(done_at) = busy {
                        // Someone added work by hand: wait for it too.
                        self.set_step(name, AppStep::Processing { record }, done_at.max(now));
                        continue;
                    }
                    match app.commit {
                        CommitPolicy::SyncPerBatch => {
                            let commits = self.app_commit(name, true, None, events);
                            self.await_commit(name, AppStep::Poll, commits.unwrap_or_default());
                        }
                        CommitPolicy::SyncPerRecord => {
                            let explicit =
                                record.map(|(tp, offset)| vec![(tp, offset.saturating_add(1))]);
                            let commits = self.app_commit(name, true, explicit, events);
                            self.await_commit(name, AppStep::Process, commits.unwrap_or_default());
                        }
                        CommitPolicy::AsyncPerBatch => {
                            self.app_commit(name, false, None, events);
                            self.set_step(name, AppStep::Poll, now);
                        }
                        CommitPolicy::Auto
                        | CommitPolicy::BeforeProcessing
                        | CommitPolicy::ExternalStore => self.set_step(name, AppStep::Poll, now),
                    }
                }
                AppStep::AwaitCommit {
                    then,
                    commits,
                    checks,
                } => {
                    let pending = commits
                        .iter()
                        .any(|(g, tp)| self.offset_store().has_pending(g, tp));
                    if pending && checks <= 3 {
                        let step = self.config.replica_fetch_delay_ms.max(1);
                        self.set_step(
                            name,
                            AppStep::AwaitCommit {
                                then,
                                commits,
                                checks: checks + 1,
                            },
                            now.saturating_add(step),
                        );
                        return;
                    }
                    if pending {
                        events.push(Event::ConsumerFailed {
                            consumer: name.to_string(),
                            operation: "commitSync".into(),
                            code: "REQUEST_TIMED_OUT".into(),
                            message: "the commit is not replicated yet; it completes when the in-sync replicas catch up".into(),
                        });
                        if app.commit == CommitPolicy::BeforeProcessing {
                            // `commitSync()` threw before `process(records)`: the batch is
                            // dropped unprocessed, as after a refused commit.
                            self.discard_batch(name, events);
                            self.set_step(name, AppStep::Poll, now);
                            continue;
                        }
                    } else if app.commit == CommitPolicy::BeforeProcessing
                        && !self.commits_cover_the_batch(name, &commits)
                    {
                        // The commit left the pending list without landing: its coordinator
                        // failed before it was replicated (`NOT_COORDINATOR`). `commitSync()`
                        // gives up with an exception, so `process(records)` never runs: the
                        // batch is dropped, never processed twice.
                        events.push(Event::ConsumerFailed {
                            consumer: name.to_string(),
                            operation: "commitSync".into(),
                            code: "NOT_COORDINATOR".into(),
                            message: "the group coordinator failed before the commit was replicated; the commit is lost".into(),
                        });
                        self.discard_batch(name, events);
                        self.set_step(name, AppStep::Poll, now);
                        continue;
                    }
                    self.set_step(name, *then, now);
                }
            }
        }
    }

    /// Whether the committed offsets of `commits` are past every record the consumer holds
    /// unprocessed in those partitions (what a `before-processing` commit wrote).
    fn commits_cover_the_batch(&self, name: &str, commits: &[(String, TopicPartition)]) -> bool {
        let Some(consumer) = self.consumer(name) else {
            return true;
        };
        consumer.unprocessed().iter().all(|(tp, offset)| {
            commits.iter().filter(|(_, t)| t == tp).all(|(group, t)| {
                self.offset_store()
                    .committed(group, t)
                    .is_some_and(|c| c.offset.0 > *offset)
            })
        })
    }

    /// Blocks the loop in `commitSync` until `commits` are replicated, then runs `then`.
    fn await_commit(&mut self, name: &str, then: AppStep, commits: Vec<(String, TopicPartition)>) {
        let now = self.now_ms;
        if commits.is_empty() {
            self.set_step(name, then, now);
        } else {
            let step = AppStep::AwaitCommit {
                then: Box::new(then),
                commits,
                checks: 0,
            };
            self.set_step(name, step, now);
        }
    }

    /// The polled records in hand are dropped unprocessed (the loop's code threw before
    /// processing them).
    fn discard_batch(&mut self, name: &str, events: &mut Vec<Event>) {
        let n = self
            .clients
            .consumers
            .get_mut(name)
            .map_or(0, |s| s.consumer.discard_unprocessed());
        if n > 0 {
            events.push(Event::ProcessingAbandoned {
                consumer: name.to_string(),
                records: n,
            });
        }
    }

    /// One `commitSync` / `commitAsync` of the loop. A refused commit is reported as the
    /// application's exception (`ConsumerFailed`) and the loop goes on, as a loop that
    /// catches `CommitFailedException` does. Returns the offset keys written, or `None` when
    /// the commit was refused.
    fn app_commit(
        &mut self,
        name: &str,
        sync: bool,
        explicit: Option<Vec<(TopicPartition, i64)>>,
        events: &mut Vec<Event>,
    ) -> Option<Vec<(String, TopicPartition)>> {
        let now = self.now_ms;
        let before = events.len();
        let result = self.consumer_call(name, events, |c, _, store| {
            if sync {
                c.commit_sync(now, explicit, store)
            } else {
                c.commit_async(now, explicit, store)
            }
        });
        if let Err(e) = result {
            let cause = match &e {
                SimError::Consumer { cause, .. } => cause.clone(),
                other => ConsumerError::IllegalState {
                    message: other.to_string(),
                },
            };
            events.push(Event::ConsumerFailed {
                consumer: name.to_string(),
                operation: if sync { "commitSync" } else { "commitAsync" }.into(),
                code: match &e {
                    SimError::Consumer { .. } => cause.code().to_string(),
                    other => other.kafka_code().to_string(),
                },
                message: cause.to_string(),
            });
            return None;
        }
        Some(super::consumers::appended_commits(&events[before..]))
    }

    /// Sends the producer application's records that are due now.
    fn step_producer_app(&mut self, name: &str, events: &mut Vec<Event>) {
        for _ in 0..MAX_RATE {
            let now = self.now_ms;
            let Some(App::Producer(app)) = self.clients.apps.get(name) else {
                return;
            };
            if app.next_send_ms() > now {
                return;
            }
            let n = app.sent;
            let topic = app.topic.clone();
            let key = (app.keys > 0).then(|| format!("key-{}", n % u64::from(app.keys)));
            let result = self.send(
                name,
                &topic,
                None,
                key,
                Some(n.to_string()),
                Vec::new(),
                None,
                events,
            );
            if let Err(e) = result {
                self.stop_app(name, &e.to_string(), events);
                return;
            }
            if let Some(App::Producer(app)) = self.clients.apps.get_mut(name) {
                app.sent = app.sent.saturating_add(1);
            }
        }
    }

    /// Application invariants: only live clients run one.
    pub(crate) fn check_apps(&self) -> Result<(), String> {
        for (name, app) in &self.clients.apps {
            match app {
                App::Consumer(_) => {
                    let running = self
                        .clients
                        .consumers
                        .get(name)
                        .is_some_and(|s| s.consumer.is_running());
                    if !running {
                        return Err(format!("consumer {name} runs an application but is down"));
                    }
                }
                App::Producer(_) => {
                    let open = self
                        .clients
                        .producers
                        .get(name)
                        .is_some_and(|p| !p.is_closed());
                    if !open {
                        return Err(format!("producer {name} runs an application but is closed"));
                    }
                }
            }
        }
        Ok(())
    }
}
