/* prim_dev_gpio.c: GPIO pins (vm/port_dev.h).  Results: >= 0, or a
 * negative error class. */
#include "prim_dev.h"

PRIM value ucaml_gpio_pins(value unit) { return val_int(port_gpio_pins()); }

PRIM value ucaml_gpio_configure(value pin, value mode)
{
  return val_int(port_gpio_configure(int_val(pin), int_val(mode)));
}

PRIM value ucaml_gpio_read(value pin) { return val_int(port_gpio_read(int_val(pin))); }

PRIM value ucaml_gpio_write(value pin, value level)
{
  return val_int(port_gpio_write(int_val(pin), bool_val(level)));
}
