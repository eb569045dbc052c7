(* Consoles, with the shape of MirageOS's [Mirage_console.S]: a flow. *)

module type S = sig
  type t
  val disconnect : t -> unit Lwt.t
  include Mirage_flow.S with type flow = t
  val log : t -> string -> unit Lwt.t
end
