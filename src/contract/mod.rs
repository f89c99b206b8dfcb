//! A contract host on the embedding API (SPEC.md §Contract host): named accounts
//! holding a module and a key-value storage, transactions that call a method with a
//! gas limit, contract-to-contract calls with gas forwarding and a depth limit, atomic
//! rollback of a failed call's storage writes, and a state root over all storage.
//!
//! - `state`: accounts, storage, the undo journal and the state root (normative);
//! - `abi`: the host functions contracts import, their gas, limits and status codes;
//! - `frame`: one call in a fresh store, kept or undone;
//! - `chain`: [`Chain`], deployments and transactions;
//! - `script`: the text format `detwasm contract` runs.
//!
//! Everything here is deterministic: ordered maps only, no clock, no I/O (the
//! command line reads the files).

mod abi;
mod chain;
mod frame;
mod script;
mod state;

pub use abi::{
    gas, status, IMPORT_MODULE, MAX_CALL_DEPTH, MAX_KEY_BYTES, MAX_NAME_BYTES, MAX_VALUE_BYTES,
};
pub use chain::{
    is_valid_account_name, Chain, DeployError, Receipt, Transaction, MAX_ACCOUNT_NAME_BYTES,
};
pub use frame::Failure;
pub use script::{parse_script, run_script, Command, ScriptError};
pub use state::{State, STATE_ROOT_TAG};
