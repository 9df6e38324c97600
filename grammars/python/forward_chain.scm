; Subclassed models: x = self.dense(x). Counted in call/forward only (the
; enclosing function is checked in code); keyed by the attribute @key.
((expression_statement
  (assignment
    left: (identifier)
    right: (call
      function: (attribute
        object: (identifier) @self
        attribute: (identifier) @key)) @layer)) @statement
  (#eq? @self "self"))
