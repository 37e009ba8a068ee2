//! The headless JavaScript API: a [`Simulator`] that tests, autograders and pages can drive
//! without the UI.

use serde::Serialize;
use sim::{Command, World, WorldConfig};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct Simulator {
    world: World,
}

/// What the API returns for a partition, as a plain object.
#[derive(Serialize)]
struct PartitionState {
    partition: i32,
    log_start_offset: i64,
    log_end_offset: i64,
    offsets: Vec<i64>,
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    serde_wasm_bindgen::to_value(value).map_err(|e| JsError::new(&e.to_string()))
}

#[wasm_bindgen]
impl Simulator {
    /// A new, empty world whose every random choice follows `seed`.
    #[wasm_bindgen(constructor)]
    pub fn new(seed: u64) -> Simulator {
        Simulator {
            world: World::new(seed, WorldConfig::default()),
        }
    }

    /// Creates a topic; returns the events it caused.
    #[wasm_bindgen(js_name = createTopic)]
    pub fn create_topic(&mut self, name: &str, partitions: i32) -> Result<JsValue, JsError> {
        let events = self
            .world
            .apply(Command::CreateTopic {
                name: name.to_string(),
                partitions: partitions.into(),
                replication_factor: None,
                config: Default::default(),
            })
            .map_err(|e| JsError::new(&e.to_string()))?;
        to_js(&events)
    }

    /// Sends one record; returns the events it caused.
    pub fn produce(
        &mut self,
        topic: &str,
        key: Option<String>,
        value: Option<String>,
    ) -> Result<JsValue, JsError> {
        let events = self
            .world
            .apply(Command::Produce {
                topic: topic.to_string(),
                key,
                value,
                partition: None,
                headers: Vec::new(),
                timestamp_ms: None,
                acks: None,
            })
            .map_err(|e| JsError::new(&e.to_string()))?;
        to_js(&events)
    }

    /// The partitions of a topic with their log start and end offsets and record offsets.
    pub fn partitions(&self, topic: &str) -> Result<JsValue, JsError> {
        let t = self
            .world
            .topic(topic)
            .ok_or_else(|| JsError::new(&format!("unknown topic '{topic}'")))?;
        let parts: Vec<PartitionState> = t
            .partitions()
            .iter()
            .enumerate()
            .map(|(i, log)| PartitionState {
                partition: i as i32,
                log_start_offset: log.log_start_offset().0,
                log_end_offset: log.log_end_offset().0,
                offsets: log.log().records().map(|r| r.offset.0).collect(),
            })
            .collect();
        to_js(&parts)
    }
}
