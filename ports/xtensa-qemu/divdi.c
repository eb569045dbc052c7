/* 64-bit integer multiply and divide entry points the compiler calls on
 * Xtensa, where the packaged libgcc has only the combined __udivmoddi4 /
 * __divmoddi4 (on the ESP32, ESP-IDF's libgcc provides all of these). */
#include <stdint.h>

uint64_t __udivmoddi4(uint64_t a, uint64_t b, uint64_t *rem);
int64_t __divmoddi4(int64_t a, int64_t b, int64_t *rem);
uint64_t __umulsidi3(uint32_t a, uint32_t b);

uint64_t __udivdi3(uint64_t a, uint64_t b);
uint64_t __umoddi3(uint64_t a, uint64_t b);
int64_t __divdi3(int64_t a, int64_t b);
int64_t __muldi3(int64_t a, int64_t b);

/* libgcc's __divmoddi4 always stores the remainder: give both a place. */
uint64_t __udivdi3(uint64_t a, uint64_t b)
{
  uint64_t r;
  return __udivmoddi4(a, b, &r);
}

uint64_t __umoddi3(uint64_t a, uint64_t b)
{
  uint64_t r;
  __udivmoddi4(a, b, &r);
  return r;
}

int64_t __divdi3(int64_t a, int64_t b)
{
  int64_t r;
  return __divmoddi4(a, b, &r);
}

/* Low 64 bits of the product: full low×low product plus the two cross
 * terms, which only reach the high word (32-bit multiplies, no recursion). */
int64_t __muldi3(int64_t a, int64_t b)
{
  uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
  uint32_t al = (uint32_t)ua, ah = (uint32_t)(ua >> 32);
  uint32_t bl = (uint32_t)ub, bh = (uint32_t)(ub >> 32);
  uint64_t p = __umulsidi3(al, bl);
  uint32_t hi = (uint32_t)(p >> 32) + al * bh + ah * bl;
  return (int64_t)(((uint64_t)hi << 32) | (uint32_t)p);
}
