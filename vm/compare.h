/* compare.h: OCaml's polymorphic structural comparison, for use from C. */
#ifndef UC_COMPARE_H
#define UC_COMPARE_H

#include "value.h"

/* Result of uc_compare_values when total is 0 and a NaN (or an unordered
 * custom value) decided the outcome: the values are neither <, = nor >. */
#define UC_UNORDERED ((intnat)((uintnat)1 << (WORD_BITS - 1)))

/* Compares v1 and v2 structurally, as compare (total != 0) or as the
 * =, <, <= ... family (total == 0, where NaN is unordered).  The result is
 * negative, zero or positive, or UC_UNORDERED.  Raises Invalid_argument on
 * functional or abstract values, Out_of_memory on absurdly deep values. */
intnat uc_compare_values(value v1, value v2, int total);

/* A custom block's compare function sets this to report that its two
 * operands are unordered (e.g. bigarrays holding NaN); it is cleared
 * before every call. */
extern int uc_compare_unordered;

#endif
