/* fma.h: exact fused multiply-add in software (see fma.c). */
#ifndef UC_FMA_H
#define UC_FMA_H

double uc_fma(double x, double y, double z);

#endif
