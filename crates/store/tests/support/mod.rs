//! Helpers for the browser tests: unique database names, a timer, and raw IndexedDB access to
//! build databases the way an older or newer version (or a damaged disk) would leave them.

#![allow(dead_code)]

use idb::{
    Database, DatabaseEvent, Factory, ObjectStoreParams, TransactionMode, TransactionResult,
};
use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A namespace no other test (or earlier run) uses.
pub fn unique(name: &str) -> String {
    format!(
        "test-{name}-{}-{}",
        js_sys::Date::now() as u64,
        (js_sys::Math::random() * 1e9) as u64
    )
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        let set_timeout: Function = Reflect::get(&global, &"setTimeout".into())
            .unwrap()
            .unchecked_into();
        set_timeout
            .call2(&global, &resolve, &JsValue::from(ms))
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// `performance.now()` in milliseconds.
pub fn now() -> f64 {
    let perf = Reflect::get(&js_sys::global(), &"performance".into()).unwrap();
    let now: Function = Reflect::get(&perf, &"now".into()).unwrap().unchecked_into();
    now.call0(&perf).unwrap().as_f64().unwrap()
}

/// Opens `name` at `version` without the store, creating the listed object stores (out-of-line
/// keys) if the upgrade runs.
pub async fn raw_open(name: &str, version: Option<u32>, create: &[&str]) -> Database {
    let factory = Factory::new().unwrap();
    let mut request = factory.open(name, version).unwrap();
    let create: Vec<String> = create.iter().map(|s| s.to_string()).collect();
    request.on_upgrade_needed(move |event| {
        let db = event.database().unwrap();
        let existing = db.store_names();
        for name in &create {
            if !existing.contains(name) {
                db.create_object_store(name, ObjectStoreParams::new())
                    .unwrap();
            }
        }
    });
    request.await.unwrap()
}

/// Puts `value` under `key` in `store`, in its own transaction.
pub async fn raw_put(db: &Database, store: &str, key: &JsValue, value: &JsValue) {
    let tx = db
        .transaction(&[store], TransactionMode::ReadWrite)
        .unwrap();
    tx.object_store(store)
        .unwrap()
        .put(value, Some(key))
        .unwrap()
        .await
        .unwrap();
    assert_eq!(
        tx.commit().unwrap().await.unwrap(),
        TransactionResult::Committed
    );
}

/// Every (key, value) of `store`, keys as JSON text, values as stored.
pub async fn raw_all(db: &Database, store: &str) -> Vec<(String, JsValue)> {
    let tx = db.transaction(&[store], TransactionMode::ReadOnly).unwrap();
    let s = tx.object_store(store).unwrap();
    let keys = s.get_all_keys(None, None).unwrap().await.unwrap();
    let values = s.get_all(None, None).unwrap().await.unwrap();
    keys.iter()
        .map(|k| js_sys::JSON::stringify(k).unwrap().as_string().unwrap())
        .zip(values)
        .collect()
}

/// The key `[session, index]` of a step or snapshot.
pub fn step_key(session: &str, index: u64) -> JsValue {
    Array::of2(
        &JsValue::from_str(session),
        &JsValue::from_f64(index as f64),
    )
    .into()
}

/// JSON text to a plain JavaScript object (how the pre-release version stored records).
pub fn js_object(json: &serde_json::Value) -> JsValue {
    js_sys::JSON::parse(&json.to_string()).unwrap()
}

/// Hides `object[name]` until the returned guard is dropped (which puts the original property
/// back exactly), to play a browser without that API.
pub struct Hidden {
    object: js_sys::Object,
    name: &'static str,
    original: JsValue,
}

pub fn hide(object: &JsValue, name: &'static str) -> Hidden {
    let object: js_sys::Object = object.clone().unchecked_into();
    let key = JsValue::from_str(name);
    let original = js_sys::Object::get_own_property_descriptor(&object, &key);
    let descriptor = js_sys::Object::new();
    Reflect::set(&descriptor, &"value".into(), &JsValue::UNDEFINED).unwrap();
    Reflect::set(&descriptor, &"configurable".into(), &JsValue::TRUE).unwrap();
    js_sys::Object::define_property(&object, &key, &descriptor);
    Hidden {
        object,
        name,
        original,
    }
}

impl Drop for Hidden {
    fn drop(&mut self) {
        let key = JsValue::from_str(self.name);
        if self.original.is_undefined() {
            Reflect::delete_property(&self.object, &key).unwrap();
        } else {
            js_sys::Object::define_property(&self.object, &key, self.original.unchecked_ref());
        }
    }
}
