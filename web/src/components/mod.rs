//! One small component per file.

pub mod code_echo;
pub mod compartment;
pub mod console;
pub mod controls;
pub mod deferred;
pub mod event_log;
pub mod header;
pub mod lag;
pub mod legend;
pub mod notebook;
pub mod platforms;
pub mod presenter;
pub mod producer_panel;
pub mod replicas;
pub mod session_bar;
pub mod sharing;
pub mod shortcuts;
pub mod sight;
pub mod teams;
pub mod timeline;
pub mod toolbar;
pub mod train;
pub mod tutorial;
pub mod why;
