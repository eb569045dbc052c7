(* GPIO pins.  MirageOS has no GPIO device type; this one follows the
   conventions of the others (a device [t], results for errors). *)

type mode = Input | Output | Input_pullup | Input_pulldown
type error = [ `No_such_pin of int | `Not_supported | `Not_output of int ]

let pp_error ppf = function
  | `No_such_pin p -> Format.fprintf ppf "no GPIO pin %d" p
  | `Not_supported -> Format.pp_print_string ppf "this board has no GPIO"
  | `Not_output p -> Format.fprintf ppf "GPIO pin %d is not an output" p

module type S = sig
  type t
  val disconnect : t -> unit Lwt.t
  val pins : t -> int
  val configure : t -> int -> mode -> (unit, error) result
  val get : t -> int -> (bool, error) result
  val set : t -> int -> bool -> (unit, error) result
end
