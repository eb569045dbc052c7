(* Block devices, with the shape of MirageOS's [Mirage_block.S]. *)

type error = [ `Disconnected ]
type write_error = [ error | `Is_read_only ]

let pp_error ppf (`Disconnected : error) = Format.pp_print_string ppf "device disconnected"

let pp_write_error ppf : write_error -> unit = function
  | #error as e -> pp_error ppf e
  | `Is_read_only -> Format.pp_print_string ppf "device is read-only"

type info = { read_write : bool; sector_size : int; size_sectors : int64 }

module type S = sig
  type nonrec error = private [> error ]
  val pp_error : Format.formatter -> error -> unit
  type nonrec write_error = private [> write_error ]
  val pp_write_error : Format.formatter -> write_error -> unit
  type t
  val disconnect : t -> unit Lwt.t
  val get_info : t -> info Lwt.t
  val read : t -> int64 -> Cstruct.t list -> (unit, error) result Lwt.t
  val write : t -> int64 -> Cstruct.t list -> (unit, write_error) result Lwt.t
end
