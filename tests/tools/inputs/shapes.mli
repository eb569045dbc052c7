(** Plane shapes: the interface ocamlc, ocamldep and ocamlobjinfo read. *)
type point = { x : float; y : float }
type shape =
  | Circle of point * float
  | Polygon of point list

val area : shape -> float
val perimeter : shape -> float
val describe : shape -> string
