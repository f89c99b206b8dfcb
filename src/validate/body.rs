//! The one walk over a function body that decides whether it is accepted: wasmparser's
//! function validator under the profile, operator by operator, plus the
//! `max_control_depth` limit. `validate::validate` runs it alone; the translator runs
//! it with a visitor that emits code, so the two can never disagree on a body.
//! Depends on `config` (the limit), `profile` and `error`.

use wasmparser::{
    FuncToValidate, FuncValidator, FuncValidatorAllocations, FunctionBody, Operator,
    OperatorsReaderAllocations, ValidatorResources,
};

use super::error::ValidateError;
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
pub(crate) fn walk_body<E: From<ValidateError>>(
    func: FuncToValidate<ValidatorResources>,
    body: &FunctionBody<'_>,
    allocs: BodyAllocs,
    max_control_depth: u32,
    mut visit: impl FnMut(
        &Operator<'_>,
        u32,
        usize,
        &FuncValidator<ValidatorResources>,
    ) -> Result<(), E>,
) -> Result<BodyFacts, E> {
    let wp = |e: wasmparser::BinaryReaderError| ValidateError::from_wasmparser(&e);
    let mut v = func.into_validator(allocs.func);
    let mut reader = body.get_binary_reader();
    v.read_locals(&mut reader).map_err(wp)?;
    let num_locals = v.len_locals();
    reader.set_features(profile::features());
    let mut ops = wasmparser::OperatorsReader::new_with_allocs(reader, allocs.ops);
    let mut max_operands = 0u32;
    while !ops.eof() {
        let (op, offset) = ops.read_with_offset().map_err(wp)?;
        let h = v.operand_stack_height();
        v.op(offset, &op).map_err(wp)?;
        let offset = usize::try_from(offset).unwrap_or(usize::MAX);
        if matches!(
            op,
            Operator::Block { .. }
                | Operator::Loop { .. }
                | Operator::If { .. }
                | Operator::TryTable { .. }
        ) {
            let depth = u64::from(v.control_stack_height());
            let max = u64::from(max_control_depth);
            if depth > max {
                return Err(ValidateError::limit("max_control_depth", depth, max, offset).into());
            }
        }
        visit(&op, h, offset, &v)?;
        max_operands = max_operands.max(v.operand_stack_height()).max(h);
    }
    ops.finish().map_err(wp)?;
    Ok(BodyFacts {
        num_locals,
        max_operands,
        allocs: BodyAllocs {
            func: v.into_allocations(),
            ops: ops.into_allocations(),
        },
    })
}
