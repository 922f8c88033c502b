import type { Hover, Location, Position } from 'vscode-languageserver/node';
import type { Model } from '../model/model';

/** Hover, go to definition and find references over the model, for a position in one file. */
export class Navigator {
  constructor(
    private readonly model: Model,
    private readonly abs: string,
  ) {}

  hover(_at: Position): Hover | null {
    return null;
  }

  definition(_at: Position): Location[] | null {
    return null;
  }

  references(_at: Position): Location[] | null {
    return null;
  }
}
