//! [`Chain`]: the contract host's public face. It deploys modules as named accounts
//! and runs transactions, each one call of a contract method whose storage writes
//! are kept only if the call succeeds (SPEC.md §Contract execution), and it gives the
//! state root after each. Depends on `state`, `frame` and `abi`.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::abi;
use super::frame::{self, ContractCtx, Env, Failure, FrameCall};
use super::state::{JournaledState, State};
use crate::engine::Engine;
use crate::error::Error;
use crate::module::Module;
use crate::runtime::Store;

/// The longest account name, in bytes.
pub const MAX_ACCOUNT_NAME_BYTES: usize = 64;

/// Whether `name` is a valid account name: 1 to 64 bytes of ASCII letters, digits,
/// `_`, `-` and `.`.
pub fn is_valid_account_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_ACCOUNT_NAME_BYTES
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// Why [`Chain::deploy`] refused a module. Nothing changed then.
#[derive(Debug)]
pub enum DeployError {
    /// The name is not a valid account name ([`is_valid_account_name`]).
    BadName(String),
    /// An account of that name exists.
    Exists(String),
    /// The module is malformed or outside the profile or limits (SPEC.md §Profile).
    Invalid(Error),
    /// The module imports something the contract ABI does not provide (every such
    /// import listed), or something else kept it from instantiating.
    Imports(Error),
}

impl fmt::Display for DeployError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeployError::BadName(name) => write!(f, "invalid account name {name:?}"),
            DeployError::Exists(name) => write!(f, "account {name:?} exists"),
            DeployError::Invalid(e) => write!(f, "invalid module: {e}"),
            DeployError::Imports(e) => write!(f, "module does not link: {e}"),
        }
    }
}

impl std::error::Error for DeployError {}

/// One transaction: `sender` calls `method` of contract `contract` with `input`,
/// allowing it `gas_limit` gas units.
#[derive(Clone, Debug)]
pub struct Transaction<'a> {
    /// Who sends it: what the contract's `caller_read` returns (any string).
    pub sender: &'a str,
    /// The called contract's account name.
    pub contract: &'a str,
    /// The exported function to run, of type `[] -> []`.
    pub method: &'a str,
    /// The input bytes (`input_len`, `input_read`).
    pub input: &'a [u8],
    /// The most gas the transaction may use, in gas units.
    pub gas_limit: u64,
}

/// What a transaction did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// The output bytes (`output_write`) on success, or why the call failed (its
    /// storage writes, nested calls' included, were undone).
    pub outcome: Result<Vec<u8>, Failure>,
    /// Gas units used, at most the limit: the contract's instructions, host function
    /// costs and the gas of nested calls. 0 when nothing ran (no contract, no method).
    pub gas_used: u64,
}

/// A contract host: accounts with code and storage, and the transactions that change
/// them. Deterministic: the same deployments and transactions give the same receipts
/// and state roots on every machine.
pub struct Chain {
    env: Arc<Env>,
    state: State,
}

impl Chain {
    /// An empty chain whose contracts run under `engine`'s configuration (limits, gas
    /// metering).
    ///
    /// # Errors
    /// `Error::Invoke` when `engine`'s configuration has `gas_metering` off: gas
    /// limits, forwarding and charging are the host's whole contract. (`Error::Link`
    /// if the ABI's linker could not be built: never in practice.)
    pub fn new(engine: &Engine) -> Result<Chain, Error> {
        if !engine.config().gas_metering {
            return Err(Error::Invoke(
                "the contract host needs an engine with gas_metering on".into(),
            ));
        }
        Ok(Chain {
            env: Arc::new(Env {
                engine: engine.clone(),
                code: BTreeMap::new(),
                linker: abi::linker()?,
            }),
            state: State::new(),
        })
    }

    /// Deploys `wasm` as account `name` with empty storage and returns its code hash
    /// (SHA-256 of `wasm`). Validation and translation take O(module size).
    ///
    /// # Errors
    /// [`DeployError`]: a bad or taken name, an invalid module, or imports outside the
    /// contract ABI (SPEC.md §Contract host ABI). Nothing changes then.
    pub fn deploy(&mut self, name: &str, wasm: &[u8]) -> Result<[u8; 32], DeployError> {
        if !is_valid_account_name(name) {
            return Err(DeployError::BadName(name.to_owned()));
        }
        if self.state.has_account(name) {
            return Err(DeployError::Exists(name.to_owned()));
        }
        let module = Module::new(&self.env.engine, wasm).map_err(DeployError::Invalid)?;
        self.check_links(&module)?;
        let code_hash: [u8; 32] = Sha256::digest(wasm).into();
        self.state.create_account(name, code_hash);
        Arc::make_mut(&mut self.env)
            .code
            .insert(name.to_owned(), module);
        Ok(code_hash)
    }

    /// Instantiates `module` once with no gas, so that every import the ABI does not
    /// provide is reported at deployment. A trap (a start function has no gas here) is
    /// not a link failure.
    fn check_links(&self, module: &Module) -> Result<(), DeployError> {
        let ctx = ContractCtx {
            env: Arc::clone(&self.env),
            state: JournaledState::default(),
            account: String::new(),
            caller: String::new(),
            input: Vec::new(),
            output: Vec::new(),
            return_data: Vec::new(),
            depth: 1,
            fault: None,
        };
        let mut store = Store::new(&self.env.engine, ctx);
        store.set_gas_limit(0);
        match self.env.linker.instantiate(&mut store, module) {
            Ok(_) | Err(Error::Trap(_)) => Ok(()),
            Err(e) => Err(DeployError::Imports(e)),
        }
    }

    /// Runs `tx`: instantiates the contract in a fresh store with `tx.gas_limit` and
    /// calls its method; keeps its storage writes if it returns, undoes them all if it
    /// fails. Never panics.
    pub fn call(&mut self, tx: &Transaction<'_>) -> Receipt {
        let mut journaled = JournaledState::begin(std::mem::take(&mut self.state));
        let result = frame::run(
            &self.env,
            &mut journaled,
            FrameCall {
                account: tx.contract,
                caller: tx.sender,
                method: tx.method,
                input: tx.input.to_vec(),
                gas_limit: tx.gas_limit,
                depth: 1,
            },
        );
        // A failed call has already undone its writes.
        self.state = journaled.commit();
        Receipt {
            outcome: result.outcome,
            gas_used: result.gas_used,
        }
    }

    /// The committed state.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The state root (SPEC.md §Contract state root).
    pub fn state_root(&self) -> [u8; 32] {
        self.state.root()
    }
}
