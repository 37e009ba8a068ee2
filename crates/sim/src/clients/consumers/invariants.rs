//! The clients' invariants.

use crate::group::GroupState;
use crate::types::TopicPartition;
use crate::world::World;
use std::collections::BTreeMap;

impl World {
    /// Client invariants: within a group's current generation no partition has two owners
    /// (in the coordinator's view and in the consumers' own), processing queues are in
    /// time order, and every consumer's group exists once it joined.
    pub(crate) fn check_clients(&self) -> Result<(), String> {
        for (name, g) in &self.clients.groups {
            if g.group.group_id() != name {
                return Err(format!(
                    "group '{}' filed under '{name}'",
                    g.group.group_id()
                ));
            }
            let mut owners: BTreeMap<TopicPartition, String> = BTreeMap::new();
            if g.group.state() == GroupState::Stable {
                for m in g.group.members() {
                    for tp in m.assignment {
                        if let Some(other) = owners.insert(tp.clone(), m.member_id.clone()) {
                            return Err(format!(
                                "group {name}: {tp} assigned to both {other} and {}",
                                m.member_id
                            ));
                        }
                    }
                }
            }
            let generation = g.group.generation_id();
            let mut held: BTreeMap<TopicPartition, &str> = BTreeMap::new();
            for (cname, s) in &self.clients.consumers {
                let c = &s.consumer;
                if !c.is_running()
                    || c.config().group_id.as_deref() != Some(name.as_str())
                    || c.generation() != generation
                    || !g.group.has_member(c.member_id())
                {
                    continue;
                }
                for tp in c.assignment() {
                    if let Some(other) = held.insert(tp.clone(), cname) {
                        return Err(format!(
                            "group {name} generation {generation}: {tp} owned by consumers {other} and {cname}"
                        ));
                    }
                }
            }
        }
        for (name, s) in &self.clients.consumers {
            let sorted = s
                .processing
                .iter()
                .zip(s.processing.iter().skip(1))
                .all(|(a, b)| a.done_at_ms <= b.done_at_ms);
            if !sorted {
                return Err(format!("consumer {name}: processing out of time order"));
            }
            if !s.consumer.is_running() && !s.processing.is_empty() {
                return Err(format!("consumer {name} is down but still processing"));
            }
        }
        self.check_producers()?;
        self.check_apps()
    }
}
