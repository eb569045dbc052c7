/* prim_float.c: the float primitives (Stdlib, Float). */
#include <math.h>
#include "prim.h"
#include "fma.h"
#include "numfmt.h"

/* Arguments are boxed floats: an ill-typed value raises Invalid_argument
 * instead of being read as one. */
static inline double arg_double(value v) {
  if (!is_block(v) || !uc_in_value_area(v) || tag_val(v) != DOUBLE_TAG)
    uc_invalid_argument("ill-typed value: not a float");
  return double_val(v);
}

static value box(double d) { return uc_copy_double(d); }

/* ---- Conversions ---- */

PRIM value caml_int_of_float(value f) { return val_long(uc_double_to_intnat(arg_double(f))); }
PRIM value caml_float_of_int(value n) { return box((double)long_val(n)); }
PRIM value caml_float_of_string(value s) { return box(uc_parse_double(s)); }
PRIM value caml_format_float(value fmt, value f) { return uc_format_double(fmt, arg_double(f)); }

PRIM value caml_hexstring_of_float(value f, value prec, value style) {
  return uc_hexstring_of_double(arg_double(f), long_val(prec), int_val(style));
}

/* ---- Arithmetic ---- */

PRIM value caml_neg_float(value f) { return box(-arg_double(f)); }
PRIM value caml_abs_float(value f) { return box(fabs(arg_double(f))); }
PRIM value caml_add_float(value f, value g) { return box(arg_double(f) + arg_double(g)); }
PRIM value caml_sub_float(value f, value g) { return box(arg_double(f) - arg_double(g)); }
PRIM value caml_mul_float(value f, value g) { return box(arg_double(f) * arg_double(g)); }
PRIM value caml_div_float(value f, value g) { return box(arg_double(f) / arg_double(g)); }
PRIM value caml_fmod_float(value f, value g) { return box(fmod(arg_double(f), arg_double(g))); }
PRIM value caml_power_float(value f, value g) { return box(pow(arg_double(f), arg_double(g))); }
PRIM value caml_fma_float(value f, value g, value h) {
  /* Our own: soft-float C libraries get the rare cases wrong (vm/fma.c). */
  return box(uc_fma(arg_double(f), arg_double(g), arg_double(h)));
}
PRIM value caml_sqrt_float(value f) { return box(sqrt(arg_double(f))); }
PRIM value caml_cbrt_float(value f) { return box(cbrt(arg_double(f))); }
PRIM value caml_hypot_float(value f, value g) { return box(hypot(arg_double(f), arg_double(g))); }
PRIM value caml_copysign_float(value f, value g) {
  return box(copysign(arg_double(f), arg_double(g)));
}
PRIM value caml_nextafter_float(value f, value g) {
  return box(nextafter(arg_double(f), arg_double(g)));
}

/* ---- Rounding ---- */

PRIM value caml_ceil_float(value f) { return box(ceil(arg_double(f))); }
PRIM value caml_floor_float(value f) { return box(floor(arg_double(f))); }
PRIM value caml_trunc_float(value f) { return box(trunc(arg_double(f))); }
PRIM value caml_round_float(value f) { return box(round(arg_double(f))); }

/* ---- Exponentials and logarithms ---- */

PRIM value caml_exp_float(value f) { return box(exp(arg_double(f))); }
PRIM value caml_exp2_float(value f) { return box(exp2(arg_double(f))); }
PRIM value caml_expm1_float(value f) { return box(expm1(arg_double(f))); }
PRIM value caml_log_float(value f) { return box(log(arg_double(f))); }
PRIM value caml_log10_float(value f) { return box(log10(arg_double(f))); }
PRIM value caml_log2_float(value f) { return box(log2(arg_double(f))); }
PRIM value caml_log1p_float(value f) { return box(log1p(arg_double(f))); }
PRIM value caml_erf_float(value f) { return box(erf(arg_double(f))); }
PRIM value caml_erfc_float(value f) { return box(erfc(arg_double(f))); }

PRIM value caml_ldexp_float(value f, value e) {
  return box(ldexp(arg_double(f), int_val(e)));
}

PRIM value caml_frexp_float(value f) {
  int exponent;
  value mantissa = box(frexp(arg_double(f), &exponent));
  UC_ROOTS1(mantissa);
  value res = uc_alloc_small(2, 0);
  field(res, 0) = mantissa;
  field(res, 1) = val_int(exponent);
  UC_RETURN(res);
}

PRIM value caml_modf_float(value f) {
  double whole;
  double frac = modf(arg_double(f), &whole);
  value vfrac = box(frac), vwhole = VAL_UNIT;
  UC_ROOTS2(vfrac, vwhole);
  vwhole = box(whole);
  value res = uc_alloc_small(2, 0);
  field(res, 0) = vfrac;
  field(res, 1) = vwhole;
  UC_RETURN(res);
}

/* ---- Trigonometry ---- */

PRIM value caml_sin_float(value f) { return box(sin(arg_double(f))); }
PRIM value caml_cos_float(value f) { return box(cos(arg_double(f))); }
PRIM value caml_tan_float(value f) { return box(tan(arg_double(f))); }
PRIM value caml_asin_float(value f) { return box(asin(arg_double(f))); }
PRIM value caml_acos_float(value f) { return box(acos(arg_double(f))); }
PRIM value caml_atan_float(value f) { return box(atan(arg_double(f))); }
PRIM value caml_atan2_float(value f, value g) { return box(atan2(arg_double(f), arg_double(g))); }
PRIM value caml_sinh_float(value f) { return box(sinh(arg_double(f))); }
PRIM value caml_cosh_float(value f) { return box(cosh(arg_double(f))); }
PRIM value caml_tanh_float(value f) { return box(tanh(arg_double(f))); }
PRIM value caml_asinh_float(value f) { return box(asinh(arg_double(f))); }
PRIM value caml_acosh_float(value f) { return box(acosh(arg_double(f))); }
PRIM value caml_atanh_float(value f) { return box(atanh(arg_double(f))); }

/* ---- Classification and comparison ---- */

/* Float.fpclass: FP_normal, FP_subnormal, FP_zero, FP_infinite, FP_nan. */
PRIM value caml_classify_float(value f) {
  uint64_t bits;
  double d = arg_double(f);
  memcpy(&bits, &d, sizeof bits);
  uint64_t exp = (bits >> 52) & 0x7FF, mant = bits & (((uint64_t)1 << 52) - 1);
  if (exp == 0x7FF) return val_int(mant == 0 ? 3 : 4);
  if (exp != 0) return val_int(0);
  return val_int(mant == 0 ? 2 : 1);
}

PRIM value caml_signbit_float(value f) { return val_bool(signbit(arg_double(f))); }
/* ocamlrun's version takes an unboxed double; bytecode never calls it. */
PRIM value caml_signbit(value f) { return caml_signbit_float(f); }

PRIM value caml_eq_float(value f, value g) { return val_bool(arg_double(f) == arg_double(g)); }
PRIM value caml_neq_float(value f, value g) { return val_bool(arg_double(f) != arg_double(g)); }
PRIM value caml_lt_float(value f, value g) { return val_bool(arg_double(f) < arg_double(g)); }
PRIM value caml_le_float(value f, value g) { return val_bool(arg_double(f) <= arg_double(g)); }
PRIM value caml_gt_float(value f, value g) { return val_bool(arg_double(f) > arg_double(g)); }
PRIM value caml_ge_float(value f, value g) { return val_bool(arg_double(f) >= arg_double(g)); }

/* Total order: nan equals itself and is below every other float. */
PRIM value caml_float_compare(value vf, value vg) {
  double f = arg_double(vf), g = arg_double(vg);
  int res = (f > g) - (f < g) + (f == f) - (g == g);
  return val_int(res);
}
