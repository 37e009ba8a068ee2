//! The consumer commands: create, subscribe, assign, poll, process, commit, seek, close,
//! crash, restart.

use super::ports::Store;
use super::{appended_commits, consumer_error, failed};
use crate::clients::{consumer_settings, ConsumerSlot, Intent, ProcessedOffset, TimestampOffset};
use crate::command::{Command, OffsetCommit};
use crate::consumer::{Consumer, ConsumerError, OffsetStore};
use crate::error::SimError;
use crate::event::Event;
use crate::types::{Offset, TopicPartition};
use crate::world::World;
use std::collections::{BTreeMap, VecDeque};

impl World {
    /// Client commands (consumers and producers); the admin commands are in `world/`.
    pub(crate) fn apply_client_command(
        &mut self,
        command: Command,
    ) -> Result<Vec<Event>, SimError> {
        let mut events = Vec::new();
        match command {
            Command::CreateConsumer { name, config } => {
                self.create_consumer(&name, &config, &mut events)?
            }
            Command::Subscribe { consumer, topics } => {
                self.subscribe(&consumer, topics, &mut events)?
            }
            Command::Assign {
                consumer,
                partitions,
            } => self.assign(&consumer, partitions, &mut events)?,
            Command::Unsubscribe { consumer } => self.unsubscribe(&consumer, &mut events)?,
            Command::Poll {
                consumer,
                max_records,
            } => self.poll(&consumer, max_records, &mut events)?,
            Command::Process {
                consumer,
                count,
                per_record_ms,
            } => self.process(&consumer, count, per_record_ms, &mut events)?,
            Command::CommitSync { consumer, offsets } => {
                self.commit(&consumer, offsets, true, &mut events)?
            }
            Command::CommitAsync { consumer, offsets } => {
                self.commit(&consumer, offsets, false, &mut events)?
            }
            Command::Seek {
                consumer,
                topic,
                partition,
                offset,
            } => {
                let tp = TopicPartition::new(topic, partition);
                self.consumer_call(&consumer, &mut events, |c, _, _| c.seek(&tp, offset))?
            }
            Command::SeekToBeginning {
                consumer,
                partitions,
            } => self.consumer_call(&consumer, &mut events, |c, _, _| {
                c.seek_to_beginning(&partitions)
            })?,
            Command::SeekToEnd {
                consumer,
                partitions,
            } => {
                self.consumer_call(&consumer, &mut events, |c, _, _| c.seek_to_end(&partitions))?
            }
            Command::OffsetsForTimes {
                consumer,
                timestamp_ms,
                partitions,
            } => self.offsets_for_times(&consumer, timestamp_ms, partitions, &mut events)?,
            Command::Pause {
                consumer,
                partitions,
            } => self.consumer_call(&consumer, &mut events, |c, _, _| c.pause(&partitions))?,
            Command::Resume {
                consumer,
                partitions,
            } => self.consumer_call(&consumer, &mut events, |c, _, _| c.resume(&partitions))?,
            Command::CloseConsumer { consumer } => self.close(&consumer, &mut events)?,
            Command::CrashConsumer { consumer } => self.crash(&consumer, &mut events)?,
            Command::RestartConsumer { consumer } => self.restart(&consumer, &mut events)?,
            Command::CreateProducer { name, config } => {
                self.create_producer(&name, &config, &mut events)?
            }
            Command::Send {
                producer,
                topic,
                partition,
                key,
                value,
                headers,
                timestamp_ms,
            } => self.send(
                &producer,
                &topic,
                partition,
                key,
                value,
                headers,
                timestamp_ms,
                &mut events,
            )?,
            Command::Flush { producer } => self.flush(&producer, &mut events)?,
            Command::CloseProducer { producer } => self.close_producer(&producer, &mut events)?,
            Command::CrashProducer { producer } => self.crash_producer(&producer, &mut events)?,
            Command::RestartProducer { producer } => {
                self.restart_producer(&producer, &mut events)?
            }
            Command::RunConsumer {
                consumer,
                commit,
                process_ms,
                idle_ms,
            } => self.run_consumer(&consumer, commit, process_ms, idle_ms, &mut events)?,
            Command::RunProducer {
                producer,
                topic,
                rate,
                keys,
            } => self.run_producer(&producer, &topic, rate, keys, &mut events)?,
            Command::StopApp { client } => self.stop_app_command(&client, &mut events)?,
            Command::InitTransactions { producer } => {
                self.init_transactions(&producer, &mut events)?
            }
            Command::BeginTransaction { producer } => {
                self.begin_transaction(&producer, &mut events)?
            }
            Command::SendOffsetsToTransaction {
                producer,
                offsets,
                group,
                consumer,
            } => self.send_offsets_to_transaction(
                &producer,
                &offsets,
                group.as_deref(),
                consumer.as_deref(),
                &mut events,
            )?,
            Command::CommitTransaction { producer } => {
                self.end_transaction(&producer, true, &mut events)?
            }
            Command::AbortTransaction { producer } => {
                self.end_transaction(&producer, false, &mut events)?
            }
            other => {
                return Err(SimError::InvalidRequest {
                    reason: format!("{other:?} is not a client command"),
                })
            }
        }
        self.reschedule_clients();
        Ok(events)
    }

    pub(crate) fn client_name_taken(&self, name: &str) -> bool {
        self.clients.consumers.contains_key(name) || self.clients.producers.contains_key(name)
    }

    fn create_consumer(
        &mut self,
        name: &str,
        props: &BTreeMap<String, String>,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        if name.trim().is_empty() {
            return Err(SimError::InvalidRequest {
                reason: "a consumer needs a name".into(),
            });
        }
        if self.client_name_taken(name) {
            return Err(SimError::ClientAlreadyExists { name: name.into() });
        }
        let settings = consumer_settings(name, props)?;
        self.check_external_store(settings.external_store.as_ref())?;
        let consumer = Consumer::new(settings.kafka.clone(), self.now_ms);
        events.push(Event::ConsumerCreated {
            consumer: name.to_string(),
            group: settings.kafka.group_id.clone(),
            client_id: settings.kafka.client_id.clone(),
        });
        self.clients.consumers.insert(
            name.to_string(),
            ConsumerSlot {
                consumer,
                settings,
                incarnation: 0,
                intent: Intent::None,
                processing: VecDeque::new(),
                last_batch: Vec::new(),
                next_metadata_refresh_ms: 0,
                wake: None,
            },
        );
        Ok(())
    }

    pub(super) fn slot(&self, name: &str) -> Result<&ConsumerSlot, SimError> {
        self.clients
            .consumers
            .get(name)
            .ok_or_else(|| SimError::UnknownClient { name: name.into() })
    }

    /// Runs `f` on the consumer with the world as its log and offset store, then appends
    /// the commits it made and reports its events. If `f` fails, the consumer must have
    /// changed nothing (every consumer method checks before it acts), and the world
    /// changes nothing either.
    pub(crate) fn consumer_call<R>(
        &mut self,
        name: &str,
        events: &mut Vec<Event>,
        f: impl FnOnce(&mut Consumer, &World, &mut dyn OffsetStore) -> Result<R, ConsumerError>,
    ) -> Result<R, SimError> {
        let (r, world_error) = self.with_consumer(name, events, f)?;
        match r {
            Ok(v) => Ok(v),
            Err(e) => Err(world_error.unwrap_or_else(|| consumer_error(name, e))),
        }
    }

    /// Like [`World::consumer_call`], but hands back the consumer's own result.
    pub(super) fn with_consumer<R>(
        &mut self,
        name: &str,
        events: &mut Vec<Event>,
        f: impl FnOnce(&mut Consumer, &World, &mut dyn OffsetStore) -> R,
    ) -> Result<(R, Option<SimError>), SimError> {
        let Some(mut slot) = self.clients.consumers.remove(name) else {
            return Err(SimError::UnknownClient { name: name.into() });
        };
        let (r, queued, world_error) = {
            let mut store = Store {
                world: self,
                queued: Vec::new(),
                world_error: None,
            };
            let r = f(&mut slot.consumer, self, &mut store);
            (r, store.queued, store.world_error)
        };
        let mut assigned = Vec::new();
        for e in slot.consumer.drain_events() {
            if let crate::consumer::ConsumerEvent::PartitionsAssigned { partitions } = &e {
                assigned.extend(partitions.iter().cloned());
            }
            events.push(Event::Consumer {
                consumer: name.to_string(),
                event: e,
            });
        }
        self.clients.consumers.insert(name.to_string(), slot);
        for (group, commits) in queued {
            // Checked by the store just before: this append cannot fail.
            if let Ok(evs) = self.commit_offsets(&group, &commits) {
                events.extend(evs);
            }
        }
        // `onPartitionsAssigned` of an application that keeps its offsets outside Kafka.
        self.seek_to_stored_offsets(name, &assigned, events);
        Ok((r, world_error))
    }

    fn ensure_running(&self, name: &str) -> Result<(), SimError> {
        let slot = self.slot(name)?;
        if slot.consumer.is_running() {
            return Ok(());
        }
        let message = if slot.consumer.is_crashed() {
            "This consumer crashed; restart it."
        } else {
            "This consumer has already been closed."
        };
        Err(consumer_error(
            name,
            ConsumerError::IllegalState {
                message: message.into(),
            },
        ))
    }

    /// The topic exists. (`__consumer_offsets` may be consumed by name, as in Kafka, where
    /// `exclude.internal.topics` only affects pattern subscriptions.)
    fn check_topic(&self, topic: &str) -> Result<(), SimError> {
        match self.topic(topic) {
            Some(_) => Ok(()),
            None => Err(SimError::UnknownTopicOrPartition {
                topic: topic.into(),
                partition: None,
            }),
        }
    }

    fn subscribe(
        &mut self,
        name: &str,
        topics: Vec<String>,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        self.ensure_running(name)?;
        if topics.is_empty() {
            // `subscribe(emptyList)` is `unsubscribe()`.
            return self.unsubscribe(name, events);
        }
        let list: Vec<&str> = topics.iter().map(String::as_str).collect();
        self.consumer_call(name, events, |c, _, _| c.subscribe(&list))?;
        // The metadata request for the subscription: a missing topic is created when the
        // consumer (`allow.auto.create.topics`) and the brokers allow it; otherwise the
        // consumer only warns and stays subscribed, as Kafka's does.
        let allow = self
            .clients
            .consumers
            .get(name)
            .is_some_and(|s| s.settings.allow_auto_create_topics);
        for t in &topics {
            if self.topic(t).is_none() {
                let evs = self.metadata_for_missing_topic(t, Some(name), allow);
                events.extend(evs);
            }
        }
        let now = self.now_ms;
        if let Some(s) = self.clients.consumers.get_mut(name) {
            s.intent = Intent::Subscribe(topics);
            s.next_metadata_refresh_ms = now.saturating_add(s.settings.metadata_max_age_ms);
        }
        Ok(())
    }

    fn assign(
        &mut self,
        name: &str,
        partitions: Vec<TopicPartition>,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        self.ensure_running(name)?;
        for tp in &partitions {
            self.check_topic(&tp.topic)?;
            self.partition_checked(&tp.topic, tp.partition)?;
        }
        self.consumer_call(name, events, |c, _, _| c.assign(&partitions))?;
        // An application with its offsets outside Kafka seeks right after `assign`.
        self.seek_to_stored_offsets(name, &partitions, events);
        if let Some(s) = self.clients.consumers.get_mut(name) {
            s.intent = Intent::Assign(partitions);
        }
        Ok(())
    }

    fn unsubscribe(&mut self, name: &str, events: &mut Vec<Event>) -> Result<(), SimError> {
        self.ensure_running(name)?;
        let leave = self.consumer_call(name, events, |c, _, _| c.unsubscribe())?;
        if let Some(s) = self.clients.consumers.get_mut(name) {
            s.intent = Intent::None;
        }
        self.send_leave(name, leave, events);
        Ok(())
    }

    fn group_of(&self, name: &str) -> Option<String> {
        self.clients
            .consumers
            .get(name)
            .and_then(|s| s.consumer.config().group_id.clone())
    }

    /// LeaveGroup for `member` of `name`'s group, and whatever answers that releases.
    pub(super) fn send_leave(
        &mut self,
        name: &str,
        member: Option<String>,
        events: &mut Vec<Event>,
    ) {
        let (Some(member), Some(group)) = (member, self.group_of(name)) else {
            return;
        };
        let now = self.now_ms;
        let Some(g) = self.clients.groups.get_mut(&group) else {
            return;
        };
        let (_, out) = g.group.leave_group(&member, None, now);
        self.coordinator_output(&group, out, events);
    }

    pub(crate) fn poll(
        &mut self,
        name: &str,
        max_records: Option<usize>,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        self.ensure_running(name)?;
        if self.slot(name)?.intent == Intent::None {
            return Err(consumer_error(
                name,
                ConsumerError::IllegalState {
                    message: "Consumer is not subscribed to any topics or assigned any partitions"
                        .into(),
                },
            ));
        }
        let now = self.now_ms;
        // `metadata.max.age.ms`: a subscribed topic that was missing shows up at the next
        // metadata refresh after it is created.
        let refresh = self.clients.consumers.get_mut(name).is_some_and(|s| {
            let due = now >= s.next_metadata_refresh_ms;
            if due {
                s.next_metadata_refresh_ms = now.saturating_add(s.settings.metadata_max_age_ms);
            }
            due
        });
        self.with_consumer(name, events, |c, log, _| c.on_metadata(log, refresh))?;
        self.join_if_needed(name, events);
        let (result, _) = self.with_consumer(name, events, |c, log, store| {
            c.poll_offsets(now, max_records, log, store)
        })?;
        match result {
            Ok(records) => {
                let group = self.group_of(name);
                for (tp, offsets) in &records {
                    if let Some(&first) = offsets.first() {
                        self.clients.ledger.fetched(group.as_deref(), tp, first);
                    }
                }
                if let Some(s) = self.clients.consumers.get_mut(name) {
                    s.last_batch = records;
                }
            }
            Err(e) => events.push(failed(name, "poll", &e)),
        }
        Ok(())
    }

    pub(crate) fn process(
        &mut self,
        name: &str,
        count: Option<usize>,
        per_record_ms: Option<i64>,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        self.ensure_running(name)?;
        let slot = self.slot(name)?;
        let per = per_record_ms.unwrap_or(slot.settings.processing_ms_per_record);
        if per < 0 {
            return Err(SimError::InvalidRequest {
                reason: format!("processing takes no negative time ({per} ms per record)"),
            });
        }
        // The application handles records one after another: new work starts when what it
        // is processing now is done.
        let start = slot
            .processing
            .back()
            .map_or(self.now_ms, |r| r.done_at_ms.max(self.now_ms));
        let done = self.consumer_call(name, events, |c, _, _| c.process(start, count, per))?;
        if let Some(s) = self.clients.consumers.get_mut(name) {
            s.processing.extend(done);
        }
        self.finish_processing(name, events);
        Ok(())
    }

    /// Records whose processing is done by now go into the delivery ledger.
    pub(crate) fn finish_processing(&mut self, name: &str, events: &mut Vec<Event>) {
        let now = self.now_ms;
        let Some(slot) = self.clients.consumers.get_mut(name) else {
            return;
        };
        let mut done = Vec::new();
        while slot.processing.front().is_some_and(|r| r.done_at_ms <= now) {
            if let Some(r) = slot.processing.pop_front() {
                done.push(r);
            }
        }
        if done.is_empty() {
            return;
        }
        let group = slot.consumer.config().group_id.clone();
        let mut records = Vec::with_capacity(done.len());
        for r in &done {
            let times = self.clients.ledger.record(r);
            records.push(ProcessedOffset {
                topic: r.partition.topic.clone(),
                partition: r.partition.partition,
                offset: Offset(r.offset),
                times,
            });
        }
        events.push(Event::RecordsProcessed {
            consumer: name.to_string(),
            group,
            records,
        });
        self.write_to_external_store(name, &done, events);
    }

    pub(super) fn commit(
        &mut self,
        name: &str,
        offsets: Option<Vec<OffsetCommit>>,
        sync: bool,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        self.ensure_running(name)?;
        let explicit = match offsets {
            None => None,
            Some(list) => {
                let mut v = Vec::with_capacity(list.len());
                for c in list {
                    self.partition_checked(&c.topic, c.partition)?;
                    if c.offset < 0 {
                        return Err(SimError::InvalidOffset { offset: c.offset });
                    }
                    v.push((TopicPartition::new(c.topic, c.partition), c.offset));
                }
                Some(v)
            }
        };
        let now = self.now_ms;
        let before = events.len();
        self.consumer_call(name, events, |c, _, store| {
            if sync {
                c.commit_sync(now, explicit, store)
            } else {
                c.commit_async(now, explicit, store)
            }
        })?;
        if sync {
            self.wait_for_commits(name, before, events)?;
        }
        Ok(())
    }

    /// `commitSync` blocks until the coordinator acknowledges: the clock runs, one replica
    /// fetch at a time, until the commit records are replicated.
    fn wait_for_commits(
        &mut self,
        name: &str,
        from: usize,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        let appended = appended_commits(&events[from..]);
        let step = self.config.replica_fetch_delay_ms.max(1);
        let mut steps = 0;
        while appended
            .iter()
            .any(|(g, tp)| self.offset_store().has_pending(g, tp))
        {
            if steps > 3 {
                // Not replicated quickly (a follower is stuck): report and let it settle.
                events.push(Event::ConsumerFailed {
                    consumer: name.to_string(),
                    operation: "commitSync".into(),
                    code: "REQUEST_TIMED_OUT".into(),
                    message: "the commit is not replicated yet; it completes when the in-sync replicas catch up".into(),
                });
                break;
            }
            events.extend(self.advance(step)?);
            steps += 1;
        }
        Ok(())
    }

    fn offsets_for_times(
        &mut self,
        name: &str,
        timestamp_ms: i64,
        partitions: Vec<TopicPartition>,
        events: &mut Vec<Event>,
    ) -> Result<(), SimError> {
        self.ensure_running(name)?;
        let tps = if partitions.is_empty() {
            self.slot(name)?.consumer.assignment()
        } else {
            partitions
        };
        let mut offsets = Vec::with_capacity(tps.len());
        for tp in tps {
            let p = self.partition_checked(&tp.topic, tp.partition)?;
            let hw = p.high_watermark();
            offsets.push(TimestampOffset {
                offset: p
                    .log()
                    .offset_for_timestamp(timestamp_ms)
                    .filter(|o| *o < hw),
                topic: tp.topic,
                partition: tp.partition,
            });
        }
        events.push(Event::OffsetsForTimes {
            consumer: name.to_string(),
            timestamp_ms,
            offsets,
        });
        Ok(())
    }

    fn abandon_processing(&mut self, name: &str, events: &mut Vec<Event>) {
        if let Some(s) = self.clients.consumers.get_mut(name) {
            let n = s.processing.len();
            s.processing.clear();
            if n > 0 {
                events.push(Event::ProcessingAbandoned {
                    consumer: name.to_string(),
                    records: n,
                });
            }
        }
    }

    fn close(&mut self, name: &str, events: &mut Vec<Event>) -> Result<(), SimError> {
        // `close()` on a closed consumer does nothing (KafkaConsumer.close is idempotent).
        if self.slot(name)?.consumer.is_closed() {
            return Ok(());
        }
        self.ensure_running(name)?;
        self.stop_app(name, "closed", events);
        self.finish_processing(name, events);
        self.abandon_processing(name, events);
        let now = self.now_ms;
        let (leave, _) = self.with_consumer(name, events, |c, _, store| c.close(now, store))?;
        self.send_leave(name, leave, events);
        Ok(())
    }

    pub(super) fn crash(&mut self, name: &str, events: &mut Vec<Event>) -> Result<(), SimError> {
        self.ensure_running(name)?;
        self.stop_app(name, "crashed", events);
        self.finish_processing(name, events);
        self.abandon_processing(name, events);
        self.with_consumer(name, events, |c, _, _| c.crash())?;
        if let Some(s) = self.clients.consumers.get_mut(name) {
            s.last_batch.clear();
        }
        Ok(())
    }

    fn restart(&mut self, name: &str, events: &mut Vec<Event>) -> Result<(), SimError> {
        let slot = self.slot(name)?;
        if slot.consumer.is_running() {
            return Err(consumer_error(
                name,
                ConsumerError::IllegalState {
                    message: "This consumer is running; crash or close it first.".into(),
                },
            ));
        }
        let now = self.now_ms;
        let intent = slot.intent.clone();
        if let Some(s) = self.clients.consumers.get_mut(name) {
            s.consumer = Consumer::new(s.settings.kafka.clone(), now);
            s.incarnation = s.incarnation.saturating_add(1);
            s.processing.clear();
            s.last_batch.clear();
            s.intent = Intent::None;
            events.push(Event::ConsumerRestarted {
                consumer: name.to_string(),
                incarnation: s.incarnation,
            });
        }
        // The application runs its code again: the same subscribe or assign, if the topics
        // still exist.
        match intent {
            Intent::None => {}
            Intent::Subscribe(topics) => {
                let topics: Vec<String> = topics
                    .into_iter()
                    .filter(|t| self.topic(t).is_some())
                    .collect();
                if !topics.is_empty() {
                    self.subscribe(name, topics, events)?;
                }
            }
            Intent::Assign(partitions) => self.assign(name, partitions, events)?,
        }
        Ok(())
    }
}
