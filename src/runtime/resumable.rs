//! Resumable calls (issue 11 item 3; SPEC.md §Gas, resumption): an invocation that
//! runs out of gas can be suspended instead of unwound, and resumed with more gas at
//! the exact wasm instruction it stopped at. The suspended state lives in the store
//! (`exec::suspend::Suspended`, plain data); the handles here only name it, and are
//! checked against the store they are used with. Depends on exec (the driver), the
//! store and typed calls.

use std::marker::PhantomData;

use super::{Store, StoreInner, TypedFunc, WasmTyList};
use crate::error::Error;
use crate::exec::{self, Trap};
use crate::value::{Func, StoreId, Value};

/// What a resumable invocation came to ([`Store::invoke_resumable`]).
#[derive(Debug)]
pub enum Invocation {
    /// The call returned these results.
    Finished(Vec<Value>),
    /// The call ran out of gas and is suspended in the store; resume it with
    /// [`ResumableCall::resume`] (or drop it with [`StoreInner::abandon_suspended`]).
    OutOfGas(ResumableCall),
}

/// A call suspended out of gas: a handle on the store's suspended state.
///
/// It is valid for the store (its inner store, [`StoreInner`]) that suspended the call,
/// until the call is resumed or abandoned; using it with another store, or after
/// that, is an `Error::Invoke`, never a panic.
#[derive(Debug)]
pub struct ResumableCall {
    store: StoreId,
    seq: u64,
    trap: Trap,
}

impl ResumableCall {
    /// The out-of-gas trap a non-resumable call would have raised here: the function
    /// and the instruction whose charge did not fit (SPEC.md §Gas).
    pub fn trap(&self) -> &Trap {
        &self.trap
    }

    /// Adds `more_gas` gas units to the store's gas remaining and continues the call
    /// at the instruction it stopped at (SPEC.md §Gas, resumption).
    ///
    /// The gas limit grows by `more_gas` too (saturating at 2^64 - 1), so
    /// [`StoreInner::gas_used`] carries on from the suspension: a call run in any
    /// number of slices uses the same gas, and gives the same results, gas profile,
    /// checkpoints and trace as one run whose limit is the sum of the slices.
    ///
    /// # Errors
    /// `Error::Invoke` when this handle is not of `store`'s suspended call (another
    /// store, or a call already resumed or abandoned); `Error::Trap` when the call
    /// traps after resuming (reported exactly as in one run); a call that runs out of
    /// gas again is `Ok(Invocation::OutOfGas(_))` with a new handle.
    pub fn resume<T: 'static>(
        self,
        store: &mut Store<T>,
        more_gas: u64,
    ) -> Result<Invocation, Error> {
        self.resume_with(store, more_gas, true)
    }

    /// [`ResumableCall::resume`] for the last time: running out of gas again is a
    /// trap (`Error::Trap`), exactly as for [`Store::invoke`], with its gas and its
    /// host call event in a trace. A call run in slices whose last one is resumed so
    /// gives the same outcome as one run with the summed limit also when that limit
    /// is too small (a resumable stop inside a host function returns the host call's
    /// charges instead).
    ///
    /// # Errors
    /// As [`ResumableCall::resume`], and `Error::Trap` for out of gas.
    pub fn resume_final<T: 'static>(
        self,
        store: &mut Store<T>,
        more_gas: u64,
    ) -> Result<Vec<Value>, Error> {
        match self.resume_with(store, more_gas, false)? {
            Invocation::Finished(results) => Ok(results),
            Invocation::OutOfGas(_) => Err(Error::Internal("a final resume suspended")),
        }
    }

    fn resume_with<T: 'static>(
        self,
        store: &mut Store<T>,
        more_gas: u64,
        resumable: bool,
    ) -> Result<Invocation, Error> {
        if store.inner.id != self.store {
            return Err(Error::Invoke("resumable call of another store".to_string()));
        }
        let (inner, data) = (&mut store.inner, &mut store.data);
        let outcome = exec::suspend::resume(inner, data, self.seq, more_gas, resumable)?;
        Ok(store.inner.invocation(outcome))
    }
}

impl StoreInner {
    /// Wraps an exec outcome into the public form.
    fn invocation(&self, outcome: exec::Outcome) -> Invocation {
        match outcome {
            exec::Outcome::Finished(results) => Invocation::Finished(results),
            exec::Outcome::Suspended(trap) => Invocation::OutOfGas(ResumableCall {
                store: self.id,
                seq: self.suspend_seq,
                trap,
            }),
        }
    }

    /// Whether a call of this store is suspended out of gas; while one is, invoking,
    /// calling or instantiating is an `Error::Invoke`.
    pub fn is_suspended(&self) -> bool {
        self.suspended.is_some()
    }

    /// A handle on the suspended call, if there is one (a handle that was lost, or
    /// one for another thread of control; any older handle stays valid too, until the
    /// call is resumed or abandoned).
    pub fn suspended_call(&self) -> Option<ResumableCall> {
        self.suspended.as_deref().map(|s| ResumableCall {
            store: self.id,
            seq: s.seq,
            trap: s.trap.clone(),
        })
    }

    /// Drops the suspended call, if any, as if it had trapped out of gas where it
    /// stopped, and returns that trap. Gas used stays as it was at the suspension,
    /// which is the gas a non-resumable call would have used, except for a stop inside
    /// a host function, whose charges were returned at the suspension (and whose
    /// out-of-gas host call is not in a trace). Handles on it become stale.
    pub fn abandon_suspended(&mut self) -> Option<Trap> {
        exec::suspend::abandon(self)
    }
}

impl<T: 'static> Store<T> {
    /// Invokes a function as [`Store::invoke`] does, except that running out of gas
    /// suspends the call instead of trapping: `Ok(Invocation::OutOfGas(call))`, to be
    /// continued with `call.resume(&mut store, more_gas)` (SPEC.md §Gas, resumption).
    ///
    /// The suspension happens exactly where the out-of-gas trap would, with the same
    /// gas used (but a stop inside a host function returns that call's charges: the
    /// host function is called again, from its start, on resume). No trap is recorded
    /// anywhere for it: a trace sees no host call event for a host call that stopped.
    /// A call that returns or traps for another reason is reported exactly as by
    /// [`Store::invoke`].
    ///
    /// While the call is suspended, nothing else runs in this store: [`Store::invoke`],
    /// this method, typed calls and instantiation return `Error::Invoke` until the
    /// call is resumed to its end or abandoned ([`StoreInner::abandon_suspended`]).
    /// The store's state may be read meanwhile; changing it (memory, globals, the gas
    /// limit with [`StoreInner::set_gas_limit`]) changes what the resumed call sees.
    /// A host call answered by a replaying trace hook is suspended when the recorded
    /// gas does not fit, and takes the same recorded answer on resume; a recorded
    /// out-of-gas trap is a trap.
    ///
    /// ```
    /// use detwasm::{Engine, Extern, Invocation, Module, Store, Value};
    /// let wat = r#"(module (func (export "sum") (param i32) (result i32) (local i32)
    ///   (loop $l
    ///     (local.set 1 (i32.add (local.get 1) (local.get 0)))
    ///     (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
    ///     (br_if $l (local.get 0)))
    ///   (local.get 1)))"#;
    /// let engine = Engine::default();
    /// let module = Module::new(&engine, &wat::parse_str(wat)?)?;
    /// let mut store = Store::new(&engine, ());
    /// let instance = store.instantiate(&module, &[])?;
    /// let Some(Extern::Func(sum)) = store.instance_export(instance, "sum") else {
    ///     panic!("no export");
    /// };
    /// // 10 gas at a time (one loop iteration costs 10): the same result and gas
    /// // as one run.
    /// store.set_gas_limit(10);
    /// let mut slices = 1;
    /// let mut inv = store.invoke_resumable(sum, &[Value::I32(10)])?;
    /// let results = loop {
    ///     match inv {
    ///         Invocation::Finished(results) => break results,
    ///         Invocation::OutOfGas(call) => {
    ///             slices += 1;
    ///             inv = call.resume(&mut store, 10)?;
    ///         }
    ///     }
    /// };
    /// assert_eq!(results, vec![Value::I32(55)]);
    /// assert_eq!((slices, store.gas_used()), (11, 101));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`Store::invoke`]; also `Error::Invoke` while another call is suspended.
    pub fn invoke_resumable(&mut self, func: Func, args: &[Value]) -> Result<Invocation, Error> {
        let addr = self.inner.func_addr(func)?;
        let outcome = exec::invoke_with(&mut self.inner, &mut self.data, addr, args, true)?;
        Ok(self.inner.invocation(outcome))
    }
}

/// What a resumable typed call came to ([`TypedFunc::call_resumable`]).
#[derive(Debug)]
pub enum TypedInvocation<Results> {
    /// The call returned.
    Finished(Results),
    /// The call ran out of gas and is suspended in the store.
    OutOfGas(TypedResumableCall<Results>),
}

/// A typed call suspended out of gas: a [`ResumableCall`] whose results convert to
/// `Results`.
#[derive(Debug)]
pub struct TypedResumableCall<Results> {
    call: ResumableCall,
    _results: PhantomData<fn() -> Results>,
}

impl<Results: WasmTyList> TypedResumableCall<Results> {
    /// As [`ResumableCall::trap`].
    pub fn trap(&self) -> &Trap {
        self.call.trap()
    }

    /// As [`ResumableCall::resume`], with the results converted.
    ///
    /// # Errors
    /// As [`ResumableCall::resume`].
    pub fn resume<T: 'static>(
        self,
        store: &mut Store<T>,
        more_gas: u64,
    ) -> Result<TypedInvocation<Results>, Error> {
        typed(self.call.resume(store, more_gas)?)
    }

    /// As [`ResumableCall::resume_final`], with the results converted.
    ///
    /// # Errors
    /// As [`ResumableCall::resume_final`].
    pub fn resume_final<T: 'static>(
        self,
        store: &mut Store<T>,
        more_gas: u64,
    ) -> Result<Results, Error> {
        let results = self.call.resume_final(store, more_gas)?;
        Results::from_values(&results).ok_or_else(|| {
            Error::Invoke(format!(
                "the call returned {results:?}, not the checked types {:?}",
                Results::types()
            ))
        })
    }

    /// The untyped handle.
    pub fn into_untyped(self) -> ResumableCall {
        self.call
    }
}

fn typed<Results: WasmTyList>(inv: Invocation) -> Result<TypedInvocation<Results>, Error> {
    match inv {
        Invocation::Finished(results) => Results::from_values(&results)
            .map(TypedInvocation::Finished)
            .ok_or_else(|| {
                Error::Invoke(format!(
                    "the call returned {results:?}, not the checked types {:?}",
                    Results::types()
                ))
            }),
        Invocation::OutOfGas(call) => Ok(TypedInvocation::OutOfGas(TypedResumableCall {
            call,
            _results: PhantomData,
        })),
    }
}

impl<Params: WasmTyList, Results: WasmTyList> TypedFunc<Params, Results> {
    /// Calls the function as [`Store::invoke_resumable`] does: same gas, trace and
    /// traps as [`TypedFunc::call`], but running out of gas suspends the call.
    ///
    /// # Errors
    /// As [`TypedFunc::call`]; also `Error::Invoke` while a call of `store` is
    /// suspended.
    pub fn call_resumable<T: 'static>(
        &self,
        store: &mut Store<T>,
        params: Params,
    ) -> Result<TypedInvocation<Results>, Error> {
        typed(store.invoke_resumable(self.func(), &params.into_values())?)
    }
}
