//! The one walk over a function body that decides whether it is accepted: wasmparser's
//! function validator under the profile, operator by operator, plus the
//! `max_control_depth` limit. `validate::validate` runs it alone; the translator runs
//! it with a visitor that emits code, so the two can never disagree on a body.
//! Depends on `config` (the limit), `profile` and `error`.

use wasmparser::{
    FuncToValidate, FuncValidator, FuncValidatorAllocations, FunctionBody, Operator,
    OperatorsReaderAllocations, ValidatorResources, VisitOperator, VisitSimdOperator,
};

use super::error::{offset_to_usize, ValidateError};
use super::profile;

/// What the walk learned about an accepted body.
pub(crate) struct BodyFacts {
    /// Parameters plus declared locals.
    pub num_locals: u32,
    /// The largest operand stack height (locals excluded) at any point, as
    /// wasmparser's validator counts it, before or after each operator.
    pub max_operands: u32,
    /// The validator's and the operator reader's allocations, for reuse by the next
    /// body.
    pub allocs: BodyAllocs,
}

/// What validating one body allocates (wasmparser's function validator and its
/// operator reader's control stack), handed from body to body so that a module's
/// bodies reuse one set of buffers.
#[derive(Default)]
pub(crate) struct BodyAllocs {
    func: FuncValidatorAllocations,
    ops: OperatorsReaderAllocations,
}

/// Validates one function body and checks its control nesting against
/// `max_control_depth`, calling `visit(op, height, offset)` after each operator is
/// validated (and its nesting checked), where `height` is the operand stack height
/// before the operator; `visit` also sees the validator in its state after the
/// operator (its operand types and module resources).
///
/// The nesting depth after a `block`, `loop`, `if` or `try_table` is the validator's
/// control stack height, which counts the function's own implicit block.
///
/// Each operator is decoded straight into the validator's visit method for it
/// (`Walk`), without wasmparser's intermediate `Operator` value and its second
/// dispatch; `visit` gets the `Operator` built from the same immediates.
///
/// # Errors
/// - `ValidateErrorKind::Wasm` for a malformed or invalid body (wasmparser's message
///   and offset).
/// - `ValidateErrorKind::Limit` naming `max_control_depth`, with the depth reached
///   and the limit, at the offset of the opening instruction.
/// - Whatever `visit` returns (the translator: `Error::Internal` for a broken
///   invariant, never a property of the module).
///
/// # Spec
/// Core §3.3 instruction validation restricted by SPEC.md §Profile; SPEC.md §Limits
/// (`max_control_depth`). O(body size).
pub(crate) fn walk_body<F: OpVisit>(
    func: FuncToValidate<ValidatorResources>,
    body: &FunctionBody<'_>,
    allocs: BodyAllocs,
    max_control_depth: u32,
    visit: &mut F,
) -> Result<BodyFacts, F::Error> {
    let mut v = func.into_validator(allocs.func);
    let mut reader = body.get_binary_reader();
    v.read_locals(&mut reader).map_err(wp)?;
    let num_locals = v.len_locals();
    reader.set_features(profile::features());
    let mut ops = wasmparser::OperatorsReader::new_with_allocs(reader, allocs.ops);
    let mut walk = Walk {
        v,
        visit,
        offset: 0,
        max_control_depth,
        max_operands: 0,
    };
    while !ops.eof() {
        walk.offset = ops.original_position();
        ops.visit_operator(&mut walk).map_err(wp)??;
    }
    ops.finish().map_err(wp)?;
    Ok(BodyFacts {
        num_locals,
        max_operands: walk.max_operands,
        allocs: BodyAllocs {
            func: walk.v.into_allocations(),
            ops: ops.into_allocations(),
        },
    })
}

/// What `walk_body` runs after each operator the validator accepted.
pub(crate) trait OpVisit {
    /// The error `visit` returns, which also carries validation errors.
    type Error: From<ValidateError>;

    /// Called with the operator `op` at byte `offset`, the operand stack height `h`
    /// before it, and the validator in its state after it. Inlined into each
    /// operator's visit method of `Walk`, where `op` is a constant, so an
    /// implementation's `match` on it folds to one arm: mark it `#[inline(always)]`.
    fn visit(
        &mut self,
        op: &Operator<'_>,
        h: u32,
        offset: usize,
        v: &FuncValidator<ValidatorResources>,
    ) -> Result<(), Self::Error>;
}

/// Validation alone: nothing to do after an operator.
pub(crate) struct ValidateOnly;

impl OpVisit for ValidateOnly {
    type Error = ValidateError;

    #[inline(always)]
    fn visit(
        &mut self,
        _: &Operator<'_>,
        _: u32,
        _: usize,
        _: &FuncValidator<ValidatorResources>,
    ) -> Result<(), ValidateError> {
        Ok(())
    }
}

/// A wasmparser error as a `ValidateError`, keeping its message and offset.
fn wp(e: wasmparser::BinaryReaderError) -> ValidateError {
    ValidateError::from_wasmparser(&e)
}

/// The visitor `walk_body` decodes each operator into: every visit method hands the
/// operator's immediates to the validator's method of the same name, then (when the
/// validator accepts) runs `step` on the `Operator` they make.
struct Walk<'f, F> {
    v: FuncValidator<ValidatorResources>,
    visit: &'f mut F,
    /// Byte offset of the operator being visited.
    offset: u64,
    max_control_depth: u32,
    /// The largest operand stack height seen so far (`BodyFacts::max_operands`).
    max_operands: u32,
}

impl<F: OpVisit> Walk<'_, F> {
    /// After the validator accepted `op` (whose operand height before was `h`): the
    /// nesting check, `visit`, and the operand height after.
    #[inline(always)]
    fn step(&mut self, op: &Operator<'_>, h: u32) -> Result<(), F::Error> {
        let offset = offset_to_usize(self.offset);
        if matches!(
            op,
            Operator::Block { .. }
                | Operator::Loop { .. }
                | Operator::If { .. }
                | Operator::TryTable { .. }
        ) {
            let depth = u64::from(self.v.control_stack_height());
            let max = u64::from(self.max_control_depth);
            if depth > max {
                return Err(ValidateError::limit("max_control_depth", depth, max, offset).into());
            }
        }
        self.visit.visit(op, h, offset, &self.v)?;
        self.max_operands = self.max_operands.max(self.v.operand_stack_height()).max(h);
        Ok(())
    }
}

/// One visit method per operator (`wasmparser::for_each_visit_operator!` and its
/// SIMD counterpart): validate with the immediates by the method of the same name of
/// the validator's visitor `$validator` (`visitor` or `simd_visitor`), then `step`.
/// The immediates are cloned for the validator (all are `Copy` but a `br_table`'s
/// reader and a `try_table`'s clause list) and moved into the `Operator`.
macro_rules! walk_visits {
    ($validator:ident; $(@$proposal:ident $op:ident $({ $($arg:ident: $argty:ty),* })? => $visit:ident ($($ann:tt)*))*) => {
        $(
            fn $visit(&mut self $($(, $arg: $argty)*)?) -> Self::Output {
                let h = self.v.operand_stack_height();
                self.v
                    .$validator(self.offset)
                    .$visit($($($arg.clone()),*)?)
                    .map_err(wp)?;
                self.step(&Operator::$op $({ $($arg),* })?, h)
            }
        )*
    };
}

/// `walk_visits!` for the operators of `for_each_visit_operator!`.
macro_rules! define_walk_visit {
    ($($t:tt)*) => {
        walk_visits!(visitor; $($t)*);
    };
}

/// `walk_visits!` for the operators of `for_each_visit_simd_operator!`.
macro_rules! define_walk_visit_simd {
    ($($t:tt)*) => {
        walk_visits!(simd_visitor; $($t)*);
    };
}

#[allow(clippy::clone_on_copy)]
impl<'a, F> VisitOperator<'a> for Walk<'_, F>
where
    F: OpVisit,
    F::Error: 'a,
{
    type Output = Result<(), F::Error>;

    /// SIMD operators go to the validator too, which rejects them under the profile
    /// with its own feature-tagged message (`profile::rejected_feature_of`).
    fn simd_visitor(&mut self) -> Option<&mut dyn VisitSimdOperator<'a, Output = Self::Output>> {
        Some(self)
    }

    wasmparser::for_each_visit_operator!(define_walk_visit);
}

#[allow(clippy::clone_on_copy)]
impl<'a, F> VisitSimdOperator<'a> for Walk<'_, F>
where
    F: OpVisit,
    F::Error: 'a,
{
    wasmparser::for_each_visit_simd_operator!(define_walk_visit_simd);
}
