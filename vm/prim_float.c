/* prim_float.c: the float primitives (Stdlib, Float). */
#include <math.h>
#include "prim.h"
#include "fma.h"
#include "numfmt.h"

static value box(double d) { return uc_copy_double(d); }

/* ---- Conversions ---- */

PRIM value caml_int_of_float(value f) { return val_long(uc_double_to_intnat(double_val(f))); }
PRIM value caml_float_of_int(value n) { return box((double)long_val(n)); }
PRIM value caml_float_of_string(value s) { return box(uc_parse_double(s)); }
PRIM value caml_format_float(value fmt, value f) { return uc_format_double(fmt, double_val(f)); }

PRIM value caml_hexstring_of_float(value f, value prec, value style) {
  return uc_hexstring_of_double(double_val(f), long_val(prec), int_val(style));
}

/* ---- Arithmetic ---- */

PRIM value caml_neg_float(value f) { return box(-double_val(f)); }
PRIM value caml_abs_float(value f) { return box(fabs(double_val(f))); }
PRIM value caml_add_float(value f, value g) { return box(double_val(f) + double_val(g)); }
PRIM value caml_sub_float(value f, value g) { return box(double_val(f) - double_val(g)); }
PRIM value caml_mul_float(value f, value g) { return box(double_val(f) * double_val(g)); }
PRIM value caml_div_float(value f, value g) { return box(double_val(f) / double_val(g)); }
PRIM value caml_fmod_float(value f, value g) { return box(fmod(double_val(f), double_val(g))); }
PRIM value caml_power_float(value f, value g) { return box(pow(double_val(f), double_val(g))); }
PRIM value caml_fma_float(value f, value g, value h) {
  /* Our own: soft-float C libraries get the rare cases wrong (vm/fma.c). */
  return box(uc_fma(double_val(f), double_val(g), double_val(h)));
}
PRIM value caml_sqrt_float(value f) { return box(sqrt(double_val(f))); }
PRIM value caml_cbrt_float(value f) { return box(cbrt(double_val(f))); }
PRIM value caml_hypot_float(value f, value g) { return box(hypot(double_val(f), double_val(g))); }
PRIM value caml_copysign_float(value f, value g) {
  return box(copysign(double_val(f), double_val(g)));
}
PRIM value caml_nextafter_float(value f, value g) {
  return box(nextafter(double_val(f), double_val(g)));
}

/* ---- Rounding ---- */

PRIM value caml_ceil_float(value f) { return box(ceil(double_val(f))); }
PRIM value caml_floor_float(value f) { return box(floor(double_val(f))); }
PRIM value caml_trunc_float(value f) { return box(trunc(double_val(f))); }
PRIM value caml_round_float(value f) { return box(round(double_val(f))); }

/* ---- Exponentials and logarithms ---- */

PRIM value caml_exp_float(value f) { return box(exp(double_val(f))); }
PRIM value caml_exp2_float(value f) { return box(exp2(double_val(f))); }
PRIM value caml_expm1_float(value f) { return box(expm1(double_val(f))); }
PRIM value caml_log_float(value f) { return box(log(double_val(f))); }
PRIM value caml_log10_float(value f) { return box(log10(double_val(f))); }
PRIM value caml_log2_float(value f) { return box(log2(double_val(f))); }
PRIM value caml_log1p_float(value f) { return box(log1p(double_val(f))); }
PRIM value caml_erf_float(value f) { return box(erf(double_val(f))); }
PRIM value caml_erfc_float(value f) { return box(erfc(double_val(f))); }

PRIM value caml_ldexp_float(value f, value e) {
  return box(ldexp(double_val(f), int_val(e)));
}

PRIM value caml_frexp_float(value f) {
  int exponent;
  value mantissa = box(frexp(double_val(f), &exponent));
  UC_ROOTS1(mantissa);
  value res = uc_alloc_small(2, 0);
  field(res, 0) = mantissa;
  field(res, 1) = val_int(exponent);
  UC_RETURN(res);
}

PRIM value caml_modf_float(value f) {
  double whole;
  double frac = modf(double_val(f), &whole);
  value vfrac = box(frac), vwhole = VAL_UNIT;
  UC_ROOTS2(vfrac, vwhole);
  vwhole = box(whole);
  value res = uc_alloc_small(2, 0);
  field(res, 0) = vfrac;
  field(res, 1) = vwhole;
  UC_RETURN(res);
}

/* ---- Trigonometry ---- */

PRIM value caml_sin_float(value f) { return box(sin(double_val(f))); }
PRIM value caml_cos_float(value f) { return box(cos(double_val(f))); }
PRIM value caml_tan_float(value f) { return box(tan(double_val(f))); }
PRIM value caml_asin_float(value f) { return box(asin(double_val(f))); }
PRIM value caml_acos_float(value f) { return box(acos(double_val(f))); }
PRIM value caml_atan_float(value f) { return box(atan(double_val(f))); }
PRIM value caml_atan2_float(value f, value g) { return box(atan2(double_val(f), double_val(g))); }
PRIM value caml_sinh_float(value f) { return box(sinh(double_val(f))); }
PRIM value caml_cosh_float(value f) { return box(cosh(double_val(f))); }
PRIM value caml_tanh_float(value f) { return box(tanh(double_val(f))); }
PRIM value caml_asinh_float(value f) { return box(asinh(double_val(f))); }
PRIM value caml_acosh_float(value f) { return box(acosh(double_val(f))); }
PRIM value caml_atanh_float(value f) { return box(atanh(double_val(f))); }

/* ---- Classification and comparison ---- */

/* Float.fpclass: FP_normal, FP_subnormal, FP_zero, FP_infinite, FP_nan. */
PRIM value caml_classify_float(value f) {
  uint64_t bits;
  double d = double_val(f);
  memcpy(&bits, &d, sizeof bits);
  uint64_t exp = (bits >> 52) & 0x7FF, mant = bits & (((uint64_t)1 << 52) - 1);
  if (exp == 0x7FF) return val_int(mant == 0 ? 3 : 4);
  if (exp != 0) return val_int(0);
  return val_int(mant == 0 ? 2 : 1);
}

PRIM value caml_signbit_float(value f) { return val_bool(signbit(double_val(f))); }
/* ocamlrun's version takes an unboxed double; bytecode never calls it. */
PRIM value caml_signbit(value f) { return caml_signbit_float(f); }

PRIM value caml_eq_float(value f, value g) { return val_bool(double_val(f) == double_val(g)); }
PRIM value caml_neq_float(value f, value g) { return val_bool(double_val(f) != double_val(g)); }
PRIM value caml_lt_float(value f, value g) { return val_bool(double_val(f) < double_val(g)); }
PRIM value caml_le_float(value f, value g) { return val_bool(double_val(f) <= double_val(g)); }
PRIM value caml_gt_float(value f, value g) { return val_bool(double_val(f) > double_val(g)); }
PRIM value caml_ge_float(value f, value g) { return val_bool(double_val(f) >= double_val(g)); }

/* Total order: nan equals itself and is below every other float. */
PRIM value caml_float_compare(value vf, value vg) {
  double f = double_val(vf), g = double_val(vg);
  int res = (f > g) - (f < g) + (f == f) - (g == g);
  return val_int(res);
}
