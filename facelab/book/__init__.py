"""Book machinery, outside the library's layers: the course map and glue for the pages."""



