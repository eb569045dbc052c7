type point = { x : float; y : float }
type shape =
  | Circle of point * float
  | Polygon of point list

let pi = 4.0 *. atan 1.0

let pairs = function
  | [] -> []
  | first :: _ as l ->
    let rec go = function
      | a :: (b :: _ as rest) -> (a, b) :: go rest
      | [last] -> [ (last, first) ]
      | [] -> [] in
    go l

let area = function
  | Circle (_, r) -> pi *. r *. r
  | Polygon pts ->
    abs_float (List.fold_left (fun acc (a, b) -> acc +. (a.x *. b.y) -. (b.x *. a.y))
                 0.0 (pairs pts)) /. 2.0

let distance a b = sqrt (((a.x -. b.x) ** 2.0) +. ((a.y -. b.y) ** 2.0))

let perimeter = function
  | Circle (_, r) -> 2.0 *. pi *. r
  | Polygon pts -> List.fold_left (fun acc (a, b) -> acc +. distance a b) 0.0 (pairs pts)

let describe s =
  let kind = match s with Circle _ -> "circle" | Polygon p -> Printf.sprintf "%d-gon" (List.length p) in
  Printf.sprintf "%s: area %.3f, perimeter %.3f" kind (area s) (perimeter s)
