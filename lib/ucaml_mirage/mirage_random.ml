(* Random bytes, with the shape of MirageOS's [Mirage_random.S]. *)

module type S = sig
  type g
  val generate : ?g:g -> int -> Cstruct.t
end
