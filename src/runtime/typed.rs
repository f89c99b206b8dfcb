//! Typed calls (issue 11 item 2): `TypedFunc<Params, Results>`, a function whose type
//! was checked once at lookup against Rust parameter and result types, so each call
//! converts plain Rust values with no per-call type check. Built on `Store::invoke`;
//! owns no execution. Depends on runtime (the store), value and error.

use std::marker::PhantomData;

use super::{Instance, Store, StoreInner};
use crate::error::Error;
use crate::value::{Func, ValType, Value};

/// A Rust type that stands for one wasm value type: `i32`, `i64` (integers, two's
/// complement), `f32`, `f64` (IEEE 754, bits kept exactly: a NaN payload passes
/// through unchanged, core §4.2.3).
pub trait WasmTy: Copy + sealed::Sealed {
    /// The wasm value type.
    const TYPE: ValType;
    /// The wasm value of `self`.
    fn into_value(self) -> Value;
    /// The Rust value of `v`; `None` when `v` is of another type.
    fn from_value(v: Value) -> Option<Self>;
}

macro_rules! wasm_ty {
    ($($t:ty => $vt:ident, $variant:ident, $to:expr, $from:expr;)*) => {$(
        impl WasmTy for $t {
            const TYPE: ValType = ValType::$vt;
            fn into_value(self) -> Value {
                Value::$variant($to(self))
            }
            fn from_value(v: Value) -> Option<Self> {
                match v {
                    Value::$variant(x) => Some($from(x)),
                    _ => None,
                }
            }
        }
    )*};
}

wasm_ty! {
    i32 => I32, I32, |x| x, |x| x;
    i64 => I64, I64, |x| x, |x| x;
    f32 => F32, F32, f32::to_bits, f32::from_bits;
    f64 => F64, F64, f64::to_bits, f64::from_bits;
}

/// The parameters or results of a typed function: `()`, one [`WasmTy`], or a tuple
/// of up to eight of them (in wasm order).
pub trait WasmTyList: Sized + sealed::Sealed {
    /// The wasm value types, in order.
    fn types() -> Vec<ValType>;
    /// The wasm values, in order.
    fn into_values(self) -> Vec<Value>;
    /// Writes the wasm values, in order, into `out`; `false`, writing nothing, when
    /// `out` is not exactly as long (what a host function's results are stored by,
    /// without allocating).
    fn write_values(self, out: &mut [Value]) -> bool;
    /// The Rust values of `vs`; `None` when the count or a type differs.
    fn from_values(vs: &[Value]) -> Option<Self>;
}

impl<T: WasmTy> WasmTyList for T {
    fn types() -> Vec<ValType> {
        vec![T::TYPE]
    }
    fn into_values(self) -> Vec<Value> {
        vec![self.into_value()]
    }
    fn write_values(self, out: &mut [Value]) -> bool {
        match out {
            [v] => {
                *v = self.into_value();
                true
            }
            _ => false,
        }
    }
    fn from_values(vs: &[Value]) -> Option<Self> {
        match vs {
            [v] => T::from_value(*v),
            _ => None,
        }
    }
}

macro_rules! tuple_list {
    ($(($($t:ident),*))*) => {$(
        impl<$($t: WasmTy),*> sealed::Sealed for ($($t,)*) {}
        impl<$($t: WasmTy),*> WasmTyList for ($($t,)*) {
            fn types() -> Vec<ValType> {
                vec![$($t::TYPE),*]
            }
            #[allow(non_snake_case)]
            fn into_values(self) -> Vec<Value> {
                let ($($t,)*) = self;
                vec![$($t.into_value()),*]
            }
            #[allow(non_snake_case, unused_mut, unused_variables)]
            fn write_values(self, out: &mut [Value]) -> bool {
                let ($($t,)*) = self;
                let values = [$($t.into_value()),*];
                if out.len() != values.len() {
                    return false;
                }
                out.copy_from_slice(&values);
                true
            }
            #[allow(non_snake_case, unused_mut, unused_variables)]
            fn from_values(vs: &[Value]) -> Option<Self> {
                let mut it = vs.iter().copied();
                let out = ($($t::from_value(it.next()?)?,)*);
                match it.next() {
                    None => Some(out),
                    Some(_) => None,
                }
            }
        }
    )*};
}

tuple_list! {
    ()
    (A)
    (A, B)
    (A, B, C)
    (A, B, C, D)
    (A, B, C, D, E)
    (A, B, C, D, E, F)
    (A, B, C, D, E, F, G)
    (A, B, C, D, E, F, G, H)
}

mod sealed {
    /// Only this module's types and tuples of them are typed-call values.
    pub trait Sealed {}
    impl Sealed for i32 {}
    impl Sealed for i64 {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// A function of a store whose type was checked against `Params -> Results` at
/// lookup ([`Instance::get_typed_func`], [`Func::typed`]). `Copy`; it holds the
/// function's [`Func`] handle (address and store identity) and no borrow of the store,
/// and refuses to run in another store (`Error::Invoke`).
///
/// ```
/// use detwasm::{Engine, Module, Store};
/// let wat = r#"(module (func (export "add") (param i32 i32) (result i32)
///                (i32.add (local.get 0) (local.get 1))))"#;
/// let engine = Engine::default();
/// let module = Module::new(&engine, &wat::parse_str(wat)?)?;
/// let mut store = Store::new(&engine, ());
/// let instance = store.instantiate(&module, &[])?;
/// let add = instance.get_typed_func::<(i32, i32), i32>(&store, "add")?;
/// assert_eq!(add.call(&mut store, (40, 2))?, 42);
/// // Charged as SPEC.md §Gas says: two `local.get` and an `i32.add`, 1 gas each.
/// assert_eq!(store.gas_used(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct TypedFunc<Params, Results> {
    func: Func,
    _types: PhantomData<fn(Params) -> Results>,
}

impl<Params, Results> Clone for TypedFunc<Params, Results> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Params, Results> Copy for TypedFunc<Params, Results> {}

impl<Params, Results> std::fmt::Debug for TypedFunc<Params, Results> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypedFunc")
            .field("func", &self.func)
            .finish()
    }
}

impl<Params: WasmTyList, Results: WasmTyList> TypedFunc<Params, Results> {
    /// The function's handle (for its store-wide address, [`Func::addr`]).
    pub fn func(&self) -> Func {
        self.func
    }

    /// `func` as a typed function, its type checked against `Params -> Results`;
    /// `what` names it in the error.
    pub(crate) fn new(store: &StoreInner, func: Func, what: &str) -> Result<Self, Error> {
        let addr = store.func_addr(func)?;
        let (params, results) = (Params::types(), Results::types());
        let ty = store
            .func_type(addr)
            .ok_or_else(|| Error::Invoke(format!("{what} has no function type")))?;
        if ty.params() != params.as_slice() || ty.results() != results.as_slice() {
            return Err(Error::Invoke(format!(
                "{what} has type {ty}, not {params:?} -> {results:?}"
            )));
        }
        Ok(TypedFunc {
            func,
            _types: PhantomData,
        })
    }

    /// Calls the function with `params` and returns its results, exactly as
    /// [`Store::invoke`] would with the same values (same gas, trace and traps).
    ///
    /// # Errors
    /// `Error::Trap` when execution traps (gas, stack and every trap code);
    /// `Error::Invoke` when `store` is not the store the function was looked up in
    /// (nothing runs then), or while a call of the store is suspended out of gas.
    ///
    /// # Panics
    /// Never.
    pub fn call<T: 'static>(&self, store: &mut Store<T>, params: Params) -> Result<Results, Error> {
        let results = store.invoke(self.func, &params.into_values())?;
        self.typed_results(&results)
    }

    /// [`TypedFunc::call`] as an atomic call ([`Store::call_atomic`], SPEC.md §Atomic
    /// calls): when it fails, every memory, global and table of the store is as before
    /// the call; the gas it used stays used.
    ///
    /// # Errors
    /// As [`Store::call_atomic`].
    pub fn call_atomic<T: 'static>(
        &self,
        store: &mut Store<T>,
        params: Params,
    ) -> Result<Results, Error> {
        let results = store.call_atomic(self.func, &params.into_values())?;
        self.typed_results(&results)
    }

    fn typed_results(&self, results: &[Value]) -> Result<Results, Error> {
        Results::from_values(results).ok_or_else(|| {
            Error::Invoke(format!(
                "function {} returned {:?}, not the checked types {:?}",
                self.func.addr().0,
                results,
                Results::types()
            ))
        })
    }
}

impl StoreInner {
    /// The function export `name` of `instance`, checked to have exactly the
    /// parameter types of `Params` and the result types of `Results`; the same as
    /// [`Instance::get_typed_func`].
    ///
    /// # Errors
    /// `Error::Invoke` when `instance` is of another store, has no function export
    /// `name`, or its type differs (the message gives both types).
    ///
    /// # Spec
    /// Function types match when their parameter and result lists are equal (core
    /// §3.2.9 for external function types).
    pub fn get_typed_func<Params: WasmTyList, Results: WasmTyList>(
        &self,
        instance: Instance,
        name: &str,
    ) -> Result<TypedFunc<Params, Results>, Error> {
        self.instance_addr(instance)?;
        let Some(super::Extern::Func(func)) = self.instance_export(instance, name) else {
            return Err(Error::Invoke(format!("no function export named '{name}'")));
        };
        TypedFunc::new(self, func, &format!("function '{name}'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, Engine, Module};

    fn store_with(wat: &str) -> (Store, Instance) {
        let engine = Engine::new(Config::default());
        let module = Module::new(&engine, &wat::parse_str(wat).expect("wat")).expect("module");
        let mut store = Store::new(&engine, ());
        let inst = store.instantiate(&module, &[]).expect("instantiate");
        (store, inst)
    }

    const ARITH: &str = r#"(module
      (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
      (func (export "mix") (param i64 f32 f64) (result f64 i64)
        (f64.add (f64.promote_f32 (local.get 1)) (local.get 2)) (local.get 0))
      (func (export "nothing"))
      (func (export "nan") (param f32) (result f32) (local.get 0))
      (func (export "trap") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0))))"#;

    #[test]
    fn typed_calls_convert_and_match_invoke() {
        let (mut store, inst) = store_with(ARITH);
        let add = store
            .get_typed_func::<(i32, i32), i32>(inst, "add")
            .unwrap();
        assert_eq!(add.call(&mut store, (2, 40)).unwrap(), 42);
        assert_eq!(add.call(&mut store, (i32::MAX, 1)).unwrap(), i32::MIN);
        let mix = store
            .get_typed_func::<(i64, f32, f64), (f64, i64)>(inst, "mix")
            .unwrap();
        assert_eq!(mix.call(&mut store, (7, 1.5, 2.25)).unwrap(), (3.75, 7));
        let nothing = store.get_typed_func::<(), ()>(inst, "nothing").unwrap();
        nothing.call(&mut store, ()).unwrap();
        // A NaN's payload passes unchanged through a typed call (no arithmetic).
        let nan = store.get_typed_func::<f32, f32>(inst, "nan").unwrap();
        let bits = 0x7fa0_0001;
        assert_eq!(
            nan.call(&mut store, f32::from_bits(bits))
                .unwrap()
                .to_bits(),
            bits
        );
        let used = store.gas_used();
        let untyped = store.invoke(add.func(), &[Value::I32(2), Value::I32(40)]);
        let gas_untyped = store.gas_used() - used;
        let used = store.gas_used();
        add.call(&mut store, (2, 40)).unwrap();
        assert_eq!(store.gas_used() - used, gas_untyped);
        assert_eq!(untyped.unwrap(), vec![Value::I32(42)]);
    }

    #[test]
    fn wrong_types_and_names_are_errors_at_lookup() {
        let (store, inst) = store_with(ARITH);
        for err in [
            store.get_typed_func::<i32, i32>(inst, "add").unwrap_err(),
            store
                .get_typed_func::<(i32, i32), i64>(inst, "add")
                .unwrap_err(),
            store
                .get_typed_func::<(i32, i32), ()>(inst, "add")
                .unwrap_err(),
            store
                .get_typed_func::<(i32, i32, i32), i32>(inst, "add")
                .unwrap_err(),
            store.get_typed_func::<(), ()>(inst, "missing").unwrap_err(),
        ] {
            assert!(matches!(err, Error::Invoke(_)), "{err:?}");
        }
        let msg = store
            .get_typed_func::<i64, i32>(inst, "add")
            .unwrap_err()
            .to_string();
        assert!(msg.contains("'add'") && msg.contains("I64"), "{msg}");
    }

    #[test]
    fn traps_are_errors() {
        let (mut store, inst) = store_with(ARITH);
        let trap = store.get_typed_func::<i32, i32>(inst, "trap").unwrap();
        assert_eq!(trap.call(&mut store, 1).unwrap(), 1);
        match trap.call(&mut store, 0) {
            Err(Error::Trap(t)) => assert_eq!(t.code(), crate::TrapCode::IntegerDivideByZero),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_function_from_another_store_with_another_type_is_an_error() {
        let (store_a, inst_a) = store_with(ARITH);
        let add = store_a
            .get_typed_func::<(i32, i32), i32>(inst_a, "add")
            .unwrap();
        // In store B the same address holds a function of another type.
        let (mut store_b, _) =
            store_with(r#"(module (func (export "f") (param i64) (result i64) (local.get 0)))"#);
        let err = add.call(&mut store_b, (1, 2)).unwrap_err();
        assert!(matches!(err, Error::Invoke(_)), "{err:?}");
    }
}
