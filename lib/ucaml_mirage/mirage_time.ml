(* Sleeping, with the shape of MirageOS's [Mirage_time.S]. *)

module type S = sig
  val sleep_ns : int64 -> unit Lwt.t
end
