(* Flows: ordered byte streams (TCP connections, consoles), with the shape of
   MirageOS's [Mirage_flow.S]. *)

type write_error = [ `Closed ]

let pp_write_error ppf (`Closed : write_error) = Format.pp_print_string ppf "flow closed"

type 'a or_eof = [ `Data of 'a | `Eof ]

module type S = sig
  type error
  val pp_error : Format.formatter -> error -> unit
  type nonrec write_error = private [> write_error ]
  val pp_write_error : Format.formatter -> write_error -> unit
  type flow
  val read : flow -> (Cstruct.t or_eof, error) result Lwt.t
  val write : flow -> Cstruct.t -> (unit, write_error) result Lwt.t
  val writev : flow -> Cstruct.t list -> (unit, write_error) result Lwt.t
  val shutdown : flow -> [ `read | `write | `read_write ] -> unit Lwt.t
  val close : flow -> unit Lwt.t
end
