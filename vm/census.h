/* census.h: where the live heap goes, for UCAML_STATS=2.
 *
 * At the end of each module's initialisation (its SETGLOBAL) a full
 * collection runs and the live heap is printed with its growth: what the
 * module keeps once initialised.  At exit, the live heap by kind of block
 * and the closures by source file (with -g).  Diagnostics only: every
 * module's initialisation costs a full collection. */
#ifndef UC_CENSUS_H
#define UC_CENSUS_H

#include "value.h"

extern int uc_census_on;   /* UCAML_STATS=2 */

/* A module's initialisation stored its global; pc is just after. */
void uc_census_module_done(code_t pc);
/* The live heap by kind of block, on stderr. */
void uc_census_print_heap(void);

#endif
