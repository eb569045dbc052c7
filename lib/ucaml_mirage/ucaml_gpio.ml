(* GPIO pins of the board (unix: a simulated bank of 32 pins in memory;
   xtensa-qemu: none), as a [Mirage_gpio.S]. *)

external gpio_pins : unit -> int = "ucaml_gpio_pins"
external gpio_configure : int -> int -> int = "ucaml_gpio_configure"
external gpio_read : int -> int = "ucaml_gpio_read"
external gpio_write : int -> bool -> int = "ucaml_gpio_write"

type t = unit

let connect () = Lwt.return ()
let disconnect () = Lwt.return_unit
let pins () = gpio_pins ()

let error pin n : Mirage_gpio.error =
  match Ucaml_dev.error_of_code n with
  | Ucaml_dev.Not_supported -> `Not_supported
  | Ucaml_dev.Invalid -> `Not_output pin
  | _ -> `No_such_pin pin

let code_of_mode = function
  | Mirage_gpio.Input -> 0 | Output -> 1 | Input_pullup -> 2 | Input_pulldown -> 3

let configure () pin mode =
  let r = gpio_configure pin (code_of_mode mode) in
  if r < 0 then Error (error pin r) else Ok ()

let get () pin =
  let r = gpio_read pin in
  if r < 0 then Error (error pin r) else Ok (r = 1)

let set () pin level =
  let r = gpio_write pin level in
  if r < 0 then Error (error pin r) else Ok ()
